"""Where beats are: each beat's boundary, and postcodes with their point (for "find your beat")."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pact.models.base import Base, utcnow


class BeatBoundary(Base):
    """A beat's area as GeoJSON (a MultiPolygon in longitude/latitude, WGS 84), with its bounding
    box so a lookup can skip beats far from the point without parsing their shapes."""

    __tablename__ = "beat_boundaries"

    beat_id: Mapped[int] = mapped_column(ForeignKey("beats.id", ondelete="CASCADE"), primary_key=True)
    geojson: Mapped[str] = mapped_column(Text)
    min_lng: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lng: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # geojson | kml | police-uk
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class Postcode(Base):
    """One postcode's point, from the ONS Postcode Directory (`pcds`, `lat`, `long`)."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)  # upper case, no spaces: "LS61AN"
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)

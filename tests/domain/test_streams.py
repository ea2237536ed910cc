"""Stream links: embedded for the configured providers (privacy-enhanced), a plain link otherwise."""
import pytest

from pact.scheduling.streams import frame_sources, recognise

PROVIDERS = ["youtube", "facebook", "vimeo", "peertube:tube.example.org", "owncast:live.example.org"]


@pytest.mark.parametrize("url, provider, embed", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.facebook.com/RiversidePolice/videos/1234567890/", "facebook",
     "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2FRiversidePolice%2Fvideos%2F1234567890%2F&show_text=false"),
    ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
    ("https://vimeo.com/event/4242", "vimeo", "https://vimeo.com/event/4242/embed?dnt=1"),
    ("https://tube.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", "peertube",
     "https://tube.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d?autoplay=1&p2p=0"),
    ("https://live.example.org/", "owncast", "https://live.example.org/embed/video"),
    ("https://teams.microsoft.com/l/meetup-join/19%3ameeting", "teams", None),
    ("https://us02web.zoom.us/j/85012345678", "zoom", None),
    ("https://meet.jit.si/RiversidePACT", "jitsi", None),
    ("https://example.org/our-stream", "link", None),
    ("https://www.youtube.com/@RiversidePolice", "youtube", None),  # a channel, not a video: link only
    ("https://other-tube.example.net/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", "link", None),  # not configured
])
def test_links_are_recognised(url, provider, embed):
    stream = recognise(url, PROVIDERS)
    assert (stream.provider, stream.embed_url, stream.watch_url) == (provider, embed, url)


def test_a_provider_that_is_not_configured_is_only_a_link():
    stream = recognise("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ["vimeo"])
    assert stream.provider == "youtube" and stream.embed_url is None
    assert recognise(None) is None and recognise("") is None


def test_frame_sources_follow_the_configured_providers_only():
    assert frame_sources(["youtube"]) == ["https://www.youtube-nocookie.com"]
    assert frame_sources(PROVIDERS) == sorted(["https://www.youtube-nocookie.com", "https://www.facebook.com",
                                               "https://player.vimeo.com", "https://vimeo.com",
                                               "https://tube.example.org", "https://live.example.org"])
    assert frame_sources([]) == []

"""A named private person accused of a crime or wrongdoing ("Dave Smith deals from his car").

A person is named when the post has a title and a name ("Mr Patel"), a first name people go by
(from the list below; names that are also ordinary words only when capitalised: "Will", "Mark"),
two capitalised words that read as a name ("Kyle Brown"), or "called …"/"named …". The accusation
is a wrongdoing word in the same sentence. Streets and places ("Mill Lane", "the Co-op") are no person.
"""
from __future__ import annotations

import re

FIRST_NAMES = frozenset("""
dave david gary kevin darren wayne lee dean craig shane jason stuart steve steven stephen paul tony anthony
mick mike michael micky terry barry kyle jordan liam callum connor brandon tyler ryan jamie josh joshua
danny daniel dan tom thomas ben harry charlie alfie archie oliver ollie george jake luke matt
matthew andy andrew chris christopher simon neil nigel keith colin derek trevor graham gareth rhys dylan
owen ieuan dafydd huw emyr iwan aled gethin sion bryn ifan ahmed mohammed muhammad ali hassan imran
tariq bilal kamal raj sanjay amir omar yusuf ibrahim sharon tracy tracey karen julie donna lisa michelle
kelly kelli stacey stacy sarah emma laura jade chelsea chantelle kayleigh leanne gemma hayley danielle
natalie nicola nikki claire clare debbie deborah sandra susan sue linda brenda jackie jacqueline
jennifer jenny jess jessica becky rebecca amy chloe sophie lucy katie kate megan shannon courtney
tiffany amber jasmine aisha fatima ayesha zara siobhan bethan ffion cerys seren sian nia angharad
elin catrin rhian carys mandy pauline margaret janet carol barbara pam shaz baz gaz daz kev wayne tommo
""".split())
AMBIGUOUS_NAMES = frozenset("will mark bill jack rob bob pat sue grace hope dawn rose ray max frank guy "
                            "joy iris robin jay carl dee rich nick pete ray bobby june may april faith".split())
SURNAMES = frozenset("""
smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright walker
white edwards hughes green hall lewis harris clarke clark patel jackson wood turner martin cooper hill ward
morris moore lee king baker harrison morgan allen james scott phillips watson davis parker price bennett
young griffiths mitchell kelly cook carter richardson bailey collins bell shaw murphy miller cox richards
khan marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray
grey mason ali hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell
barker fisher stevens jenkins murray dixon harvey howells pritchard rees jenkins bevan llewellyn
""".split())
NOT_PEOPLE = frozenset("""
road street lane avenue close drive way crescent court place terrace gardens grove park square hill green
estate centre center school college church chapel station bridge library surgery shop shops store tesco
asda aldi lidl morrisons sainsburys spar coop co-op mcdonalds kfc council police pcso pc sgt inspector
nhs street high bus night monday tuesday wednesday thursday friday saturday sunday january february march
april june july august september october november december christmas easter pact i the a it we they
""".split())

PLACE_WORDS = frozenset("road street lane avenue close drive way crescent court place terrace gardens grove park "
                        "square hill green estate centre school college church station bridge rd st ave".split())
_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr)\.?\s+[a-z][\w'-]+", re.IGNORECASE)
_CALLED = re.compile(r"\b(?:called|named|name is|name's|known as|goes by)\s+[a-z][\w'-]+", re.IGNORECASE)
_CAPITALISED_PAIR = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\b")
_WORD = re.compile(r"[A-Za-z'-]+")

WRONGDOING = re.compile(r"\b(?:" + "|".join((
    r"deal(?:s|ing|er|ers)?\b", r"is (?:a|the) (?:\w+ )?(?:dealer|thief|paedo|pedo|nonce|burglar|pervert|groomer|"
    r"wife beater|drunk|arsonist|fraudster|scammer|criminal|crook|druggie|junkie|abuser|predator|bully)",
    r"stole", r"steals?", r"stealing", r"nick(?:ed|s|ing)\b", r"robb?(?:ed|s|ing)\b", r"burgl", r"mugged",
    r"broke into", r"breaks into", r"break(?:s|ing)? in", r"set fire", r"torched", r"vandalis", r"smashed",
    r"keyed", r"slashed", r"fly[- ]?tip",
    r"sell(?:s|ing)? (?:\w+ )?(?:drugs|weed|coke|stolen|fags|vapes|booze|fake|counterfeit|cigarettes|tobacco|knives)",
    r"claim(?:s|ing) benefits", r"cash in hand", r"driv(?:es|ing) drunk", r"'n dwyn", r"'n delio", r"'n gwerthu", r"supply(?:ing)?", r"supplies",
    r"grows? (?:weed|cannabis)", r"growing (?:weed|cannabis)", r"(?:beats|hits|abuses|slaps|batters) (?:his|her|their|"
    r"the)", r"abus(?:es|ing|ed)", r"touch(?:ed|ing) (?:kids|children|girls|boys)", r"groom(?:s|ing|ed)",
    r"flash(?:es|ing|ed)", r"expos(?:es|ing|ed) (?:himself|herself)", r"drink ?driv", r"drives? drunk",
    r"drunk driving", r"no insurance", r"uninsured", r"no licence", r"fraud", r"on the fiddle", r"benefit cheat",
    r"carr(?:y|ies|ying) a (?:knife|blade|gun)", r"threaten(?:ed|s|ing)", r"assault(?:ed|s|ing)?", r"attack(?:ed|s)",
    r"stabbed", r"(?<!who )(?<!what )did it", r"is behind (?:it|the|all)", r"responsible for (?:the|all)", r"the one (?:who|that|doing|"
    r"behind)", r"it was (?:him|her|them)", r"got away with", r"runs? (?:a|the) (?:drug|county line|brothel|cannabis)",
    r"county lines?", r"shoplift", r"poach", r"racing (?:his|her) (?:car|bike)", r"joyrid", r"burnt out",
    r"dumps? (?:rubbish|waste)", r"(?:should|needs to) be (?:arrested|locked up|nicked)", r"guilty",
    r"yn delio", r"yn dwyn", r"wedi dwyn", r"yn gwerthu cyffuriau",
)) + r")", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def _names_person(sentence: str) -> bool:
    if _TITLE.search(sentence) or _CALLED.search(sentence):
        return True
    words = list(_WORD.finditer(sentence))
    for i, match in enumerate(words):
        word = match.group(0)
        low = word.lower()
        low = low[:-2] if low.endswith("'s") else low.rstrip("'")
        if low in NOT_PEOPLE:
            continue
        following = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        if following in PLACE_WORDS:
            continue  # "Mill Lane", "Kelly Street": a place
        if low in FIRST_NAMES or (low in AMBIGUOUS_NAMES and word[0].isupper() and (i > 0 or following[:1].isupper())):
            return True
        if word[0].isupper() and low in SURNAMES and i > 0:
            return True
    for first, last in _CAPITALISED_PAIR.findall(sentence):
        if first.lower() not in NOT_PEOPLE and last.lower() not in NOT_PEOPLE and last.lower() in SURNAMES:
            return True
    return False


def is_accusation(normalised: str) -> bool:
    """A person named and accused of wrongdoing in the same sentence."""
    for sentence in _SENTENCE.split(normalised):
        if WRONGDOING.search(sentence) and _names_person(sentence):
            return True
    return False

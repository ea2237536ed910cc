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
kieran marcus nathan lewis scott dale reece leanne vicky bradley aaron dominic ian pete liam terry jade
kai kian mason ethan noah leo finley riley logan harvey jayden jaden ashley aiden aidan declan niall sean
shaun ross kirk glen glenn russell martin malcolm norman roy ronnie reggie lenny alan alex adam adrian
damien damon duncan eddie ed edward frankie fred freddie gavin gordon greg gregory henry hugh jim jimmy
joe joey john johnny jon jonathan kenny leon lloyd marc mikey nicky oscar phil philip richard ricky
rick robert rodney roger ronald sam samuel seb sid stan ted toby tony trev vince warren zak zac
abdul hamza zain usman faisal adil rizwan saj sajid arjun ravi vijay deepak kwame kofi tyrone jerome
alice annie anna bella beth carla caroline charlotte chantal cheryl christine claudia courtney dani
demi denise diane donna elaine ella ellie emily eve fiona gail gina hannah heather helen holly jo
joanne jodie julia kerry kim kirsty leah lorraine louise lynn maria marie melissa mia molly naomi
natasha nina olivia paige rachel samantha sasha shelley sonia stacey steph tanya tara tina toni
vanessa victoria wendy yvonne zoe okafor
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
SENTENCE_WORDS = frozenset("""
the a an this that these those there their our my we i it is are was can could would should why what when how
please thank thanks lots loads some someone somebody everyone people kids youths cars vans drivers drug drugs
dealing speeding parking anti antisocial police council pcso pc sgt officers officer neighbours neighbour local
residents house houses car van bus buses fly tipping litter graffiti shop shops also and but so if then again
""".split())
_NAME_PAIR = re.compile(r"\b([A-Z][a-z'-]{1,})\s+([A-Z][a-z'-]{2,})\b")
_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr)\.?\s+[a-z][\w'-]+", re.IGNORECASE)
_CALLED = re.compile(r"\b(?:called|named|name is|name's|known as|goes by)\s+[a-z][\w'-]+", re.IGNORECASE)
_CAPITALISED_PAIR = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\b")
_WORD = re.compile(r"[A-Za-z'-]+")

WRONGDOING = re.compile(r"\b(?:" + "|".join((
    r"deal(?:s|ing|er|ers)?\b", (r"is (?:a|the) (?:\w+ )?(?:dealer|thief|paedo|pedo|nonce|burglar|pervert|groomer|"
    r"wife beater|drunk|arsonist|fraudster|scammer|criminal|crook|druggie|junkie|abuser|predator|bully)"),
    r"stole", r"steals?", r"stealing", r"nick(?:ed|s|ing)\b", r"robb?(?:ed|s|ing)\b", r"burgl", r"mugged",
    r"broke into", r"breaks into", r"break(?:s|ing)? in", r"set fire", r"torched", r"vandalis", r"smashed",
    r"keyed", r"slashed", r"fly[- ]?tip",
    r"sell(?:s|ing)? (?:\w+ )?(?:drugs|weed|coke|stolen|fags|vapes|booze|fake|counterfeit|cigarettes|tobacco|knives)",
    r"claim(?:s|ing) benefits", r"cash in hand", r"driv(?:es|ing) drunk", r"'n dwyn", r"'n delio", r"'n gwerthu",
    r"supply(?:ing)?", r"supplies",
    r"grows? (?:weed|cannabis)", r"growing (?:weed|cannabis)", (r"(?:beats|hits|abuses|slaps|batters) (?:his|her|their|"
    r"the)"), r"abus(?:es|ing|ed)", r"touch(?:ed|ing) (?:kids|children|girls|boys)", r"groom(?:s|ing|ed)",
    r"flash(?:es|ing|ed)", r"expos(?:es|ing|ed) (?:himself|herself)", r"drink ?driv", r"drives? drunk",
    r"drunk driving", r"no insurance", r"uninsured", r"no licence", r"fraud", r"on the fiddle", r"benefit cheat",
    r"carr(?:y|ies|ying) a (?:knife|blade|gun)", r"threaten(?:ed|s|ing)", r"assault(?:ed|s|ing)?", r"attack(?:ed|s)",
    r"stabbed", r"(?<!who )(?<!what )did it", r"is behind (?:it|the|all)", r"responsible for (?:the|all)",
    (r"the one (?:who|that|doing|"
    r"behind)"), r"it was (?:him|her|them)", r"got away with", r"runs? (?:a|the) (?:drug|county line|brothel|cannabis)",
    r"county lines?", r"shoplift", r"poach", r"racing (?:his|her) (?:car|bike)", r"joyrid", r"burnt out",
    r"dumps? (?:rubbish|waste)", r"(?:should|needs to) be (?:arrested|locked up|nicked)", r"guilty",
    r"batter(?:s|ed|ing)", r"sold (?:\w+ ){0,2}(?:cannabis|weed|drugs|coke|pills|stolen)", (r"hit (?:my|his|her|a|"
    r"the) (?:son|daughter|kid|child|wife|partner|dog|neighbour|mum|dad|boy|girl)"), (r"broke (?:his|her|my|their) "
    r"(?:nose|arm|jaw|leg|window|windows|door)"), r"dumps? (?:asbestos|waste|rubbish|rubble|tyres)", r"chop shop",
    r"drug addict", r"is (?:the|a) burglar", r"yn delio", r"yn dwyn", r"wedi dwyn", r"yn gwerthu cyffuriau",
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
    for first, last in _NAME_PAIR.findall(sentence):
        if not ({first.lower(), last.lower()} & (NOT_PEOPLE | PLACE_WORDS | SENTENCE_WORDS)):
            return True  # "Kieran Walsh", "Pete Collins": a first name and a surname, both capitalised
    return False


def is_accusation(normalised: str) -> bool:
    """A person named and accused of wrongdoing in the same sentence."""
    for sentence in _SENTENCE.split(normalised):
        if WRONGDOING.search(sentence) and _names_person(sentence):
            return True
    return False


def names_person(normalised: str) -> bool:
    """Some sentence of the post names a person (a hint the trained model reads, model.py)."""
    return any(_names_person(sentence) for sentence in _SENTENCE.split(normalised))

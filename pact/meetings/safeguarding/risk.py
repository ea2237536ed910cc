"""Posts that put someone at risk: an emergency now, a risk to someone's life, a named person accused.

Rules over the normalised, lower-cased text, in English and Welsh. An emergency is either
unmistakable on its own ("being hit", "there's a fire", "not breathing", a missing child) or a
danger word together with a sign that it is happening now ("right now", "I can see them", "come
quick"). Clear signs that it is over ("last year", "in 2023", "years ago") keep past events public.
"""
from __future__ import annotations

import re

# Text-speak, so the rules are written once: "rn" → "right now", "sum1" → "someone".
_TEXT_SPEAK = [(re.compile(rf"(?<!')\b(?:{short})\b"), long) for short, long in (
    ("rn", "right now"), ("atm", "at the moment"), (r"sum1|some1|sum1e|som1", "someone"), (r"2nite|tonite|2night",
     "tonight"), (r"pls|plz|plez", "please"), ("ppl", "people"), ("im", "i'm"), ("cant", "can't"), ("dont", "don't"),
    ("wont", "won't"), ("ive", "i've"), ("u", "you"), ("ur", "your"), ("r", "are"), ("n", "and"), ("ther", "there"),
    ("theres", "there's"), ("thr", "there"), ("hes", "he's"), ("shes", "she's"), ("theyre", "they're"),
    ("whos", "who's"), ("asap", "as soon as possible"), ("nxt", "next"), ("gona|gonna|gunna", "going to"),
    ("wanna", "want to"), ("abt", "about"), ("bcoz|cos|coz|bc", "because"), ("hav", "have"), ("wiv", "with"),
    ("wit", "with"), ("w/", "with "), ("sumone", "someone"), ("nbr|neighbor|naybor", "neighbour"),
    ("kys", "kill yourself"),
)]


_DROPPED_G = re.compile(r"\b(\w{3,}?)in'?(?=\s|$|[.,!?])")


def prepare(normalised: str) -> str:
    """Lower case with text-speak expanded: what every rule below reads."""
    text = _DROPPED_G.sub(r"\1ing", normalised.casefold())  # "tryin", "breakin'" → "trying", "breaking"
    for pattern, long in _TEXT_SPEAK:
        text = pattern.sub(long, text)
    return text


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(parts) + r")", re.IGNORECASE)


_WHO = (r"(?:someone|somebody|some ?one|a (?:man|woman|lad|bloke|guy|boy|girl|kid|person|group|gang)|he|she|they|"
        r"people|men|lads|kids|youths|two (?:men|lads)|my \w+|her \w+|his \w+)")
NOW = _any(
    r"right now", r"happening now", r"going on now", r"as we speak", r"as i (?:type|write|speak)", r"at the moment",
    r"at this (?:moment|minute)", r"this (?:minute|second)", r"in progress", r"currently",
    r"still (?:there|here|outside|"
    r"inside|going|at it|in the|on the|doing)", r"i (?:can|could) (?:see|hear|smell) (?:them|him|her|it|someone|"
    r"people|a |the |smoke|flames|screaming|shouting|banging|fighting)", r"can hear (?:screaming|shouting|banging|"
    r"crying|her|him|them)", r"come (?:now|quick|quickly|straight away|asap|as soon as possible|fast)",
    r"send (?:someone|somebody|help|police|the police|an ambulance|officers)", r"please (?:hurry|help|come)",
    r"hurry", r"help (?:me|us|her|him)\b", r"urgent(?:ly)?", r"now[!.?]*$", r"now(?= ?[!.,;?]| please| help| outside| "
    r"behind| near| by the| in the| on the| at the| and i| i can| they)", r"just now", r"tonight .{0,20}(?:now|right)",
    r"outside (?:my|our|the) (?:house|door|window|flat|home) now", r"nawr", r"rwan", r"ar hyn o bryd", r"ar unwaith",
    r"dewch yn gyflym", r"helpwch", r"ar y funud", r"just (?:been )?\w+(?:ed|en)\b", r"(?:is|are) spreading",
    r"someone help", r"please help", r"omg", r"(?:'s|'re) spreading", r"the alarm is going", r"(?:driving|running) "
    r"(?:away|off) now",
)
DANGER = _any(
    r"(?:try|trying|tried|tries) (?:\w+ ){0,4}(?:doors?|handles|cars|windows)", r"trying to get in", r"stolen",
    r"snatch", r"drunk driv", r"swerving", r"hammer", r"(?:someone|somebody|a man|intruder|they|he)(?: is|'s| are)? in "
    r"(?:my|our|the) (?:shed|garden|house|garage|loft|flat|yard|back garden|kitchen)", r"break(?:ing)? in",
    r"breaking into",
    r"kicking (?:the |my |a |her |his )?doors?(?: in)?", r"smash(?:ing|es)?", r"fight(?:ing)?", r"brawl",
    r"punch(?:ing)?",
    r"kick(?:ing)? (?:him|her|someone|a man|a woman|the)", r"hitting", r"beating", r"attack(?:ing|ed)?",
    r"assault(?:ing|ed)?", r"stab(?:bing|bed)?", r"shoot(?:ing)?", r"shots?", r"knife", r"knives", r"machete", r"gun",
    r"blade", r"weapon", r"firearm", r"crossbow", r"baseball bat", r"fire\b", r"flames", r"smoke", r"alight",
    r"burning", r"blaze", r"hurt", r"injur", r"bleed", r"blood", r"unconscious", r"collapsed", r"not moving",
    r"steal(?:ing)?", r"nicking", r"robb(?:ing|ery)", r"mugg(?:ing|ed)", r"looting", r"dealing", r"screaming",
    r"shouting for help", r"threaten", r"chasing", r"climbing (?:over|into|through|in)", r"in (?:my|our|the) garden",
    r"prowl", r"lurking", r"forc(?:e|ing) (?:open|the|a|my|their|his|her)", r"siphon", r"dragging", r"torri i mewn",
    r"ymladd", r"ymosod", r"mwg", r"dwyn", r"curo", r"taro", r"brifo", r"gwaed",
    r"cyllell", r"gwn\b", r"ar goll", r"fandaleiddio",
)
STRONG = _any(
    r"being (?:hit|attacked|beaten|beat up|stabbed|assaulted|raped|kidnapped|robbed|mugged|threatened|followed|"
    r"strangled|choked|punched|kicked|held|hurt|abused|dragged|chased)",
    rf"{_WHO} (?:is |are |'s |'re |has |have |has been |'s been |got |just )?(?:been )?"
    r"(?:hurt|injured|bleeding|stabbed|"
    r"shot|collapsed|unconscious|knocked out|not breathing|hit by a car)",
    r"there(?: is|'s| are) (?:a )?(?:fire|flames|smoke)", r"(?:is|are|'s|'re) on fire",
    r"flames (?:coming|pouring)", r"smoke (?:coming|pouring)", r"is burning",
    r"shots? (?:fired|being fired)", r"gunshots?", r"gunfire", r"armed (?:man|men|gang|robbers?|person|robbery)",
    r"(?:with|has|have|got|holding|waving|carrying|pulled) an? (?:knife|gun|machete|blade|weapon|firearm|crossbow)",
    r"being (?:broken into|burgled|robbed|set on fire|smashed up)", r"lying (?:in|on) the (?:road|pavement|floor|"
    r"ground|street|path)", r"unconscious", r"collapsed", r"fallen and (?:can't|cannot|can not) get up",
    r"(?:has|have) fallen (?:off|from|in|into|down)?", r"(?:fallen |fell |is |are |'s )(?:in|into) the (?:canal|river|"
    r"water|sea|lake|reservoir|dock)", r"hit by a (?:car|van|bus|lorry|train|bike)", r"(?:has |just )?(?:hit|knocked "
    r"(?:down|over)) (?:someone|somebody|a (?:man|woman|child|kid|boy|girl|cyclist|pedestrian))",
    r"(?:is|are|'s|'re) following (?:me|us|my)", r"threatening (?:people|someone|me|us|him|her|them) with",
    r"gas (?:leak|is leaking|main)", r"smell(?:ing)? (?:of )?gas", r"ambulance needed", r"needs? an ambulance",
    r"set .{1,30}on fire", r"(?:house|flat|car|van|"
    r"shed|building|bins?) (?:is |are )?(?:on fire|alight|burning)", r"set(?:ting)? (?:fire|light) to",
    r"setting .{1,30}(?:alight|on fire)", r"not breathing", r"won't wake up", r"can't breathe",
    rf"{_WHO} (?:with|has|has got|'s got|waving|carrying|holding|pulled) (?:a |an )?(?:knife|gun|machete|blade|"
    r"weapon|firearm|crossbow)",
    r"(?:child|kid|son|daughter|boy|girl|toddler|baby|little one|\d+ ?(?:year|yr)s? old|grandson|granddaughter|"
    r"vulnerable \w+|elderly \w+|dementia|mum|dad|nan|grandad|grandma|brother|sister) .{0,30}(?:is |has gone |went "
    r"|gone |been )?missing", r"missing (?:child|kid|boy|girl|toddler|person|vulnerable)", r"can't find my (?:son|"
    r"daughter|child|kid|little|boy|girl|mum|dad|nan|grandad)", r"(?:hasn't|has not|haven't|didn't) come home",
    r"wandered off", r"(?:call|need|get|send) (?:an |a )?ambulance", r"(?:need|send|get) (?:the )?police (?:now|here|"
    r"quick|urgently)", r"help me\b", r"help us\b", r"come now", r"come quick",
    r"(?:going to|gonna|will|threaten(?:ed|ing)? to|said (?:he|she|they)(?:'ll| will| are going to)) (?:kill|stab|"
    r"hurt|shoot|burn|smash) (?:me|us|my|him|her|them)",
    r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|ex|dad|mum|son) (?:is|'s|are|'re) (?:hitting|"
    r"beating|strangling|choking|attacking|punching|kicking) (?:her|him|me|them|us|my)",
    r"hear (?:her|him|them|someone|a woman|a man|a child|kids?) (?:screaming|crying|being)",
    r"(?:being|getting) (?:jumped|battered|hit|beaten|beat up|attacked|stabbed|mugged|robbed|kicked|punched|glassed|"
    r"bottled|strangled|dragged|bundled|abducted|kidnapped|grabbed)", r"ablaze", r"in flames", r"engulfed",
    r"trapped", r"stuck (?:on|in|under) (?:the )?(?:ice|water|river|mud|car|lift|rubble)", r"drowning",
    r"(?:isn't|is not|not|aren't) (?:getting up|responding|moving)", r"unresponsive", r"hanging (?:off|from)",
    r"(?:strangling|choking|hitting|beating|kicking|punching|stabbing|attacking|battering|dragging|grabbing) (?:me|us|"
    r"her|him|them|someone|somebody|a (?:girl|boy|woman|man|child|kid|lad))\b",
    r"pull(?:ed|s|ing)? an? (?:knife|blade|gun|weapon) on", r"(?:woman|girl|child|baby|someone|somebody) (?:is |'s )?"
    r"screaming", r"screaming (?:he'll|she'll|he will|she will|that)", r"(?:is|'s|are|'re) bleeding",
    r"wander(?:ing|ed)? (?:on|in|along|down|across) the (?:road|dual carriageway|motorway|bypass|street|railway)",
    r"wandered (?:out|off|away)",
    r"(?:hit|knocked (?:down|over|off)|ran over|run over) (?:someone|somebody|(?:the|a|an|my"
    r") (?:kid|child|man|woman|boy|girl|cyclist|pedestrian|person|lady|bloke|lad|old (?:man|lady|woman)))",
    r"knocked off (?:their|his|her|a|my) bike",
    r"mae tan", r"ar dan", r"mae rhywun wedi (?:brifo|anafu|cael ei|cael ei thrywanu|cwympo|llewygu)",
    r"ddim yn anadlu", r"(?:yn|'n) cael (?:ei|eu) (?:guro|churo|daro|tharo|cam-drin|ymosod)", r"yn ymosod ar",
    r"(?:plentyn|mab|merch|bachgen|babi) .{0,20}ar goll", r"ffoniwch ambiwlans", r"angen ambiwlans",
    r"gyda chyllell", r"cyllell gyda", r"yn torri i mewn", r"mae .{0,20} yn (?:curo|taro|ymladd) ",
)
PAST = _any(
    r"last (?:year|month|summer|winter|spring|autumn|christmas|meeting|time)", r"\d+ (?:years?|months?|weeks?) ago",
    r"years ago", r"months ago", r"a while (?:ago|back)", r"in (?:19|20)\d\d", r"back in", r"used to",
    r"earlier this year", r"the other (?:year|month)", r"y llynedd", r"flynyddoedd yn ol",
)


def is_emergency(text: str) -> bool:
    """A crime in progress, violence or a threat now, fire, someone collapsed or hurt, someone missing."""
    strong = STRONG.search(text)
    now = NOW.search(text)
    if not strong and not (now and DANGER.search(text)):
        return False
    return bool(now) or not PAST.search(text)


WELFARE = _any(
    r"suicid", r"kill (?:myself|meself|my self|himself|herself|themselves|themself)", r"end (?:it all|my life|"
    r"it tonight|it now|it today|things|everything|his life|her life|their life)",
    r"(?:decided|going|want|ready) to end it",
    r"take (?:my|his|her|their) (?:own )?life", r"(?:don't|do not|doesn't|dont) want to (?:live|be alive|be here|go on|"
    r"wake up|exist)", r"can(?:'t|not) go on", r"can't do this any ?more", r"can't cope any ?more",
    r"no (?:reason|point)"
    r" (?:to|in) (?:live|living|going on|carrying on|being here)", r"better off (?:dead|without me)",
    r"self[- ]?harm", r"(?:cutting|hurting|harming|burning) (?:myself|himself|herself|themselves)", r"overdos",
    r"(?:took|taken|take|taking|swallowed) (?:all )?(?:my |the |his |her |a load of |loads of )?(?:pills|tablets)",
    r"(?:going|want|about|threatening|trying) to jump",
    r"jump (?:off|from) (?:the |a )?(?:bridge|building|roof|car park|"
    r"cliff)", r"hang (?:myself|himself|herself)", r"goodbye (?:everyone|all|world|cruel)", r"not (?:be|going to be) "
    r"(?:here|around|alive) (?:tomorrow|much longer|by)", r"want to die", r"wish i (?:was|were) dead",
    r"(?:haven't|hasn't|have not|has not|not) (?:been )?(?:seen|heard from) .{0,40}(?:for|in) "
    r"(?:days|a week|weeks|ages)",
    r"(?:no|without) (?:heating|food|water) .{0,40}(?:elderly|old|\d\d|disabled|poorly|ill)", r"being neglected",
    r"wants? to die", r"cut(?:s|ting)? (?:myself|himself|herself|themselves)", r"kill(?:ing)? (?:myself|himself|"
    r"herself|themselves)", r"(?:take|taking|took) (?:my|his|her|their) (?:own )?life", r"end(?:ing)? (?:my|his|her|"
    r"their) (?:own )?life", r"(?:feel like|thinking (?:of|about)|going to|want to|decided to|ready to|gonna|about to) "
    r"end(?:ing)? it", r"(?:won't|will not|not going to) be (?:here|around|alive) (?:tomorrow|much longer|by|next)",
    r"nothing (?:left )?to live for", r"no reason to (?:go on|live|carry on|be here)", r"(?:standing|stood|sat|sitting)"
    r" on (?:the|a) (?:bridge|ledge|roof|edge|railway|tracks|cliff)", r"rather be dead", r"(?:on (?:her|his|their) own|"
    r"alone) for days", r"without (?:food|heating) for days", r"rope (?:ready|is ready)", r"got (?:the|my) (?:tablets|"
    r"pills) (?:here|ready)", r"if i (?:was|were) gone", r"disappear for good", r"not safe (?:on my own|alone|with "
    r"myself)", r"top (?:myself|himself|herself|themselves)", r"(?:drive|crash|walk) (?:into|in to|in front of) an? "
    r"(?:wall|tree|train|bus|lorry)", r"in front of a (?:train|bus|lorry)", r"(?:not|isn't|no longer) worth living",
    r"kill yourself", r"(?:going|want|planning|about|gonna) to finish (?:it|myself|things)", r"finish (?:it|myself|"
    r"things) (?:tonight|off|all)", r"(?:thinking|thought) (?:of|about) (?:jumping|ending|killing|taking|hanging|"
    r"overdosing)", r"jumping (?:off|from|in front)", r"(?:bottle|box|packet|load|pile) of (?:pills|tablets|"
    r"paracetamol)", r"(?:nobody|no one|no-one) (?:will|would|'ll|'d|is going to) (?:miss|notice|care)",
    r"goodbye (?:messages?|notes?|letters?|posts?)", r"(?:be|'ll be) gone by (?:morning|tomorrow|tonight)",
    r"never wake up", r"do something stupid", r"(?:drink|drinking|drinks) (?:till|until|himself|herself|myself) "
    r"(?:he|she|i|they)?(?: )?(?:die|dies|to death)", r"no way out", r"this is the end", r"disappear (?:forever|for "
    r"good)", r"stopped eating", r"end my (?:suffering|pain|misery)", r"keep (?:myself|himself|herself) safe",
    r"(?:happier|better) (?:if|when) i (?:wasn't|was not|weren't|am not|'m not) (?:here|around|alive)",
    r"won't come down", r"(?:hasn't|haven't|has not|not) (?:answered|opened|been out|come out|left) .{0,40}(?:days|"
    r"a week|weeks)", r"milk (?:is )?still on the (?:step|doorstep)", r"(?:hasn't|has not|not) moved (?:all day|for "
    r"hours|since)", r"(?:no|without) (?:heating|food|water|electric|electricity|gas) .{0,40}(?:elderly|old|\d\d|"
    r"disabled|poorly|ill|confused)", r"ladd (?:fy|ei) hun", r"lladd ei hun",
    r"lladd fy hun", r"hunanladdiad", r"hunan[- ]?niweidio", r"niweidio fy hun", r"diweddu fy mywyd",
    r"rhoi diwedd ar fy mywyd", r"dod a'r cyfan i ben", r"methu mynd ymlaen", r"dim pwynt byw", r"ddim eisiau byw",
    r"eisiau marw", r"isio marw",
)


def is_welfare(text: str) -> bool:
    """A risk to someone's life or safety: suicide, self-harm, someone unseen and at risk."""
    return bool(WELFARE.search(text))

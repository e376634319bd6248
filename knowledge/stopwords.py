"""Stopwords: the Snowball German and English lists, question words and chat filler.

The Snowball German and English stop word lists are reproduced from the Snowball project
(https://snowballstem.org/algorithms/german/stop.txt and .../english/stop.txt), distributed under
the BSD license:

    Copyright (c) 2001, Dr Martin Porter
    Copyright (c) 2002, Richard Boulton
    All rights reserved.

    Redistribution and use in source and binary forms, with or without modification, are
    permitted provided that the following conditions are met:

    1. Redistributions of source code must retain the above copyright notice, this list of
       conditions and the following disclaimer.
    2. Redistributions in binary form must reproduce the above copyright notice, this list of
       conditions and the following disclaimer in the documentation and/or other materials
       provided with the distribution.
    3. Neither the name of the copyright holder nor the names of its contributors may be used
       to endorse or promote products derived from this software without specific prior
       written permission.

    THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS
    OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
    MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
    COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
    EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
    SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
    HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
    TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
    SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

All lists hold lower-case words as written; the analyzer compares them after case folding
(so ``daß`` also stops ``dass``). The document analyzer uses :data:`GERMAN_STOPWORDS`; questions
are read with their own language's list plus that language's chat filler (``hey, kann mir wer
sagen ...``, ``quick q: does anyone know ...``), see :mod:`knowledge.languages`.
"""

from __future__ import annotations

__all__ = [
    "ENGLISH_CHAT_FILLER",
    "ENGLISH_STOPWORDS",
    "GERMAN_CHAT_FILLER",
    "GERMAN_QUESTION_WORDS",
    "GERMAN_STOPWORDS",
    "SNOWBALL_ENGLISH_STOPWORDS",
    "SNOWBALL_GERMAN_STOPWORDS",
]

_SNOWBALL_GERMAN = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anderm andern anderr anders auch auf aus bei bin bis bist da damit dann das
    dasselbe dazu daß dein deine deinem deinen deiner deines dem demselben den denn
    denselben der derer derselbe derselben des desselben dessen dich die dies diese
    dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem
    einen einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch
    euer eure eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten
    hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist
    jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem
    keinen keiner keines können könnte machen man manche manchem manchen mancher manches
    mein meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch
    nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind
    so solche solchem solchen solcher solches soll sollte sondern sonst um und uns unse
    unsem unsen unser unses unter viel vom von vor war waren warst was weg weil weiter
    welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird
    wirst wo wollen wollte während würde würden zu zum zur zwar zwischen über
"""

SNOWBALL_GERMAN_STOPWORDS: frozenset[str] = frozenset(_SNOWBALL_GERMAN.split())
"""The Snowball German stop word list (231 words, BSD license, see the module docstring)."""

_QUESTION_WORDS = """
    wann warum weshalb wieso weswegen wer wem wen wessen wieviel wieviele woher wohin
    womit wodurch wofür wogegen worauf woraus worin worüber wovon wozu
"""

GERMAN_QUESTION_WORDS: frozenset[str] = frozenset(_QUESTION_WORDS.split())
"""Interrogatives missing from the Snowball list; chat questions start with them."""

GERMAN_STOPWORDS: frozenset[str] = SNOWBALL_GERMAN_STOPWORDS | GERMAN_QUESTION_WORDS
"""The default list of :class:`knowledge.analysis.GermanAnalyzer`."""

_SNOWBALL_ENGLISH = """
    i me my myself we us our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing would should could ought i'm you're he's she's it's we're they're i've
    you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll
    they'll isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't
    wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's who's what's here's
    there's when's where's why's how's a an the and but if or because as until while of at by
    for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all
    any both each few more most other some such no nor not only own same so than too very
"""

SNOWBALL_ENGLISH_STOPWORDS: frozenset[str] = frozenset(_SNOWBALL_ENGLISH.split())
"""The Snowball English stop word list (BSD license, see the module docstring)."""

_ENGLISH_EXTRA = """
    can will may might must shall also just whose yet ever much many s t d ll m re ve
"""

ENGLISH_STOPWORDS: frozenset[str] = SNOWBALL_ENGLISH_STOPWORDS | frozenset(_ENGLISH_EXTRA.split())
"""Stopwords of English questions: the Snowball list, modals, how much/many, contraction pieces."""

_GERMAN_FILLER = """
    hey hi hallo moin servus huhu hej leute kollegen jemand jemanden irgendwer
    irgendjemand weiß weiss weißt weisst wisst sag sagen erzähl erzählen erklär bitte danke
    dank vielen merci thx kurz kurze kurzer frage fragen mal eigentlich eben halt ja genau
    nochmal überhaupt grad gerade gibt gibts gibt's ok okay hm hmm äh ähm übrigens
    lg gern gerne newsdesk bot infos info ahnung
"""

GERMAN_CHAT_FILLER: frozenset[str] = frozenset(_GERMAN_FILLER.split())
"""Words of German chat phrasing that carry no topic (``hey, weiß jemand ...``)."""

_ENGLISH_FILLER = """
    hey hi hello yo folks guys anyone anybody someone somebody know knows tell quick question
    q please pls plz thanks thank thx ty wondering curious remind btw lol ok okay um uh hmm
    newsdesk bot idea clue info sorry dumb silly stupid asked already actually basically
"""

ENGLISH_CHAT_FILLER: frozenset[str] = frozenset(_ENGLISH_FILLER.split())
"""Words of English chat phrasing that carry no topic (``quick q: does anyone know ...``)."""

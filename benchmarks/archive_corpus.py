"""A seeded generator of German article archives made of real sentences (``bench archive``).

The sentences are real German: those of the bundled seed articles and, when the shared
evaluation data is beside the repository, of the GermanQuAD test passages
(``../shared/eval/germanquad_test.json``), split by the project's own sentence splitter and kept
when they have 6 to 60 words. Article ``i`` of a seed is always the same file: a Markdown file
with front matter (``title``, ``source``, ``published``, ``url``) and about ten paragraphs of
two to four sentences drawn from the pool (roughly one passage each), sometimes under a ``##``
heading. Titles are a sentence's first words. Every article also carries one made-up word of its
own (``Quellwort<i>``-like, see :func:`marker`), so a question can find exactly one article.

The pool holds a few thousand sentences, so the vocabulary is that of the sources (tens of
thousands of terms), not that of a real archive of 10^5 articles: posting lists are longer and
the term dictionary smaller than in a real archive of the same size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge.articles import load_articles
from knowledge.sentences import split_sentences

__all__ = [
    "ArchiveSpec",
    "article_text",
    "marker",
    "sentence_pool",
    "write_archive",
]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GERMANQUAD = ROOT.parent / "shared" / "eval" / "germanquad_test.json"
_PUBLISHERS = (
    "Heise Online",
    "Golem",
    "t3n",
    "Handelsblatt",
    "Der Standard",
    "Netzpolitik.org",
    "Tagesspiegel",
    "All-AI.de",
)
_FIRST_DAY = dt.date(2019, 1, 1)
_DAYS = 7 * 365
_STAMP = ".archive.json"  # in the archive folder: what it was generated from

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ArchiveSpec:
    """What to generate.

    Attributes:
        n_articles: Number of article files.
        seed: Seed of the random stream (article ``i`` depends on the seed and ``i`` only).
        paragraphs: Paragraphs per article (each about one passage).
    """

    n_articles: int
    seed: int = 17
    paragraphs: int = 10


def sentence_pool(sources: tuple[Path, ...] = (SEEDS, GERMANQUAD)) -> tuple[str, ...]:
    """The real German sentences the articles are made of, in a fixed order.

    A folder is read as articles, a ``.json`` file as SQuAD format (its contexts); a missing
    source is left out.
    """
    texts: list[str] = []
    for source in sources:
        if source.is_dir():
            texts += [a.text for a in load_articles(source).articles]
        elif source.is_file():
            data = json.loads(source.read_text(encoding="utf-8"))
            texts += [
                p["context"]
                for entry in data["data"]
                for p in entry["paragraphs"]
                if "context" in p
            ]
    pool: dict[str, None] = {}
    for text in texts:
        for line in text.split("\n"):
            for sentence in split_sentences(line.strip()):
                words = sentence.split()
                if 6 <= len(words) <= 60 and sentence[-1] in ".!?" and "|" not in sentence:
                    pool.setdefault(sentence.strip())
    if not pool:
        raise RuntimeError("no sentences found in the seeds or the evaluation data")
    return tuple(pool)


def marker(i: int) -> str:
    """The made-up word only article ``i`` contains (letters only, so it stays one term)."""
    letters = "bcdfghklmnprstvwz"
    word, n = "", i + 1
    while n:
        n, digit = divmod(n, len(letters))
        word += letters[digit] + "aeiou"[digit % 5]
    return f"Quell{word}"


def article_text(i: int, pool: tuple[str, ...], spec: ArchiveSpec) -> tuple[str, str]:
    """Article ``i``: its file name and its Markdown text (front matter and paragraphs)."""
    rng = random.Random(spec.seed * 1_000_003 + i)  # noqa: S311 -- not for secrets
    title_words = rng.choice(pool).rstrip(".!?").split()[: rng.randint(5, 10)]
    title = " ".join(title_words).replace('"', "'")
    published = _FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS))
    source = rng.choice(_PUBLISHERS)
    paragraphs: list[str] = []
    for p in range(spec.paragraphs):
        sentences = [rng.choice(pool) for _ in range(rng.randint(2, 4))]
        if p == 0:
            sentences.insert(1, f"Das Projekt {marker(i)} wurde {published.year} vorgestellt.")
        if p and rng.random() < 0.2:
            paragraphs.append("## " + " ".join(rng.choice(pool).split()[:4]).rstrip(".,;:!?"))
        paragraphs.append(" ".join(sentences))
    name = f"{i:06d}_{hashlib.sha256(f'{spec.seed}:{i}'.encode()).hexdigest()[:12]}.md"
    front = (
        f'---\ntitle: "{title}"\nsource: {source}\npublished: {published.isoformat()}\n'
        f"url: https://news.example.org/{name[:-3]}\n---\n\n"
    )
    return name, front + "\n\n".join(paragraphs) + "\n"


def articles(spec: ArchiveSpec, pool: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Every article of ``spec``: file name and text, in order."""
    for i in range(spec.n_articles):
        yield article_text(i, pool, spec)


def write_archive(folder: Path, spec: ArchiveSpec, progress: Progress | None = None) -> bool:
    """Write the archive of ``spec`` into ``folder`` unless it already holds exactly it.

    Returns:
        Whether files were written (False: the folder was already this archive).
    """
    say = progress or (lambda _line: None)
    pool = sentence_pool()
    stamp = {"n_articles": spec.n_articles, "seed": spec.seed, "paragraphs": spec.paragraphs}
    stamp["pool"] = hashlib.sha256("\n".join(pool).encode()).hexdigest()  # type: ignore[assignment]
    stamp_file = folder / _STAMP
    if stamp_file.is_file() and json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.suffix == ".md":
            old.unlink()
    for n, (name, text) in enumerate(articles(spec, pool), 1):
        (folder / name).write_text(text, encoding="utf-8")
        if n % 10_000 == 0:
            say(f"  wrote {n:,}/{spec.n_articles:,} articles")
    stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    say(f"  wrote {spec.n_articles:,} articles of {len(pool):,} real sentences to {folder}")
    return True

"""The ``newsdesk`` command line, driven in-process as a person would use it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import main
from bot import Settings
from tests.bot.test_answer_rules import ARTICLES
from tests.conftest import SEEDS, make_settings


def run(argv: list[str], settings: Settings, stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, settings=settings, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_ask_prints_the_answer_and_numbered_sources(seed_settings: Settings) -> None:
    status, out, _ = run(["ask", "Wie viel bot Musk für OpenAI?"], seed_settings)
    assert status == 0
    assert "97,4 Milliarden USD" in out
    assert "[1]" in out
    assert "Quellen:\n  [1] " in out
    assert "001_37de1b6d01b33ede" not in out  # article ids are for --json, not for people
    assert "\x1b[" not in out  # no ANSI codes when not writing to a terminal


def test_ask_json_has_exactly_the_fixed_shape(seed_settings: Settings) -> None:
    status, out, _ = run(["ask", "--json", "Wie viel Geld setzt Mozilla ein?"], seed_settings)
    assert status == 0
    reply = json.loads(out)
    assert set(reply) == {"answered", "text", "sources"}
    assert reply["answered"] is True
    assert isinstance(reply["text"], str)
    assert "$1.4 billion" in reply["text"]
    first = reply["sources"][0]
    assert set(first) == {"article", "title", "source", "published", "passage", "score", "url"}
    assert first["url"] is None  # the seeds are plain text without front matter
    assert first["article"] == "000_26a8121a7ae71e0a"
    assert first["source"] == "Creati.ai"
    assert first["published"] == "2026-01-27"
    assert isinstance(first["score"], float)
    scores = [source["score"] for source in reply["sources"]]
    assert all(isinstance(score, float) for score in scores)


def test_ask_json_for_an_uncovered_question(seed_settings: Settings) -> None:
    _, out, _ = run(["ask", "--json", "Wie wird das Wetter morgen?"], seed_settings)
    reply = json.loads(out)
    assert reply == {"answered": False, "text": reply["text"], "sources": []}
    assert "nichts Passendes" in reply["text"]


def test_ask_json_keeps_the_shortening_notice(seed_settings: Settings) -> None:
    _, out, _ = run(["ask", "--json", "Microsoft " * 3000], seed_settings)
    assert "ich habe nur die ersten 500 gelesen" in json.loads(out)["text"]


def test_sources_lists_the_five_seed_articles(seed_settings: Settings) -> None:
    status, out, _ = run(["sources"], seed_settings)
    assert status == 0
    assert out.startswith("Ich kenne 5 Artikel:")
    assert out.count("• ") == 5
    assert "Microsoft verliert Kontrolle über OpenAI?" in out


def test_sources_takes_a_page_and_a_page_past_the_end_exits_1(seed_settings: Settings) -> None:
    status, out, _ = run(["sources", "1"], seed_settings)
    assert status == 0
    assert out.count("• ") == 5
    status, out, err = run(["sources", "2"], seed_settings)
    assert status == 1
    assert out == ""
    assert err == "newsdesk: Seite 2 gibt es nicht; die letzte ist Seite 1 (5 Artikel).\n"


def test_index_reports_progress_then_reuses_the_saved_index(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    status, out, err = run(["index"], settings)
    assert status == 0
    assert "Loaded 5 articles" in err
    assert "Indexing" in err
    assert "index built in" in out
    _, out, err = run(["index"], settings)
    assert "Reused the saved index" in err
    assert "index reused from cache" in out
    _, out, _ = run(["index", "--rebuild"], settings)
    assert "index built in" in out


def test_a_changed_article_rebuilds_the_index(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (articles / seed.name).write_bytes(seed.read_bytes())
    settings = make_settings(tmp_path / "data", articles_dir=articles)
    run(["index"], settings)
    (articles / "005_new.md").write_text(
        "---\ntitle: Neues Modell\nsource: Beispiel.de\npublished: 2026-03-01\n---\n"
        "Die Firma Quarkbyte stellt das Sprachmodell Q-9 vor.\n",
        encoding="utf-8",
    )
    _, out, err = run(["index"], settings)
    assert "Indexing" in err
    assert out.startswith("6 articles")


def test_eval_json_has_exactly_the_fixed_shape(tmp_path: Path) -> None:
    facts = [
        ("Berlin ist die Hauptstadt von Deutschland.", "Was ist die Hauptstadt von Deutschland?"),
        ("Der Rhein fließt durch Köln und Düsseldorf.", "Durch welche Städte fließt der Rhein?"),
        ("Die Zugspitze ist der höchste Berg des Landes.", "Welcher Berg ist der höchste?"),
        ("Bienen sammeln Nektar und bestäuben Blüten.", "Was sammeln Bienen?"),
        ("Der Bodensee grenzt an drei Staaten.", "An wie viele Staaten grenzt der Bodensee?"),
    ]
    squad = {
        "data": [
            {
                "paragraphs": [
                    {"context": context, "qas": [{"question": question}]}
                    for context, question in facts
                ]
            }
        ]
    }
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(squad), encoding="utf-8")
    status, out, err = run(["eval", str(path), "--json"], make_settings(tmp_path))
    assert status == 0
    result = json.loads(out)
    assert set(result) == {"mrr@10", "recall@1", "recall@5", "queries", "qps"}
    assert result["queries"] == 5
    assert result["mrr@10"] == 1.0
    assert "Indexing 5 passages" in err


def test_eval_of_a_missing_or_malformed_file_is_one_clear_line(tmp_path: Path) -> None:
    status, out, err = run(["eval", str(tmp_path / "nope.json")], make_settings(tmp_path))
    assert (status, out) == (1, "")
    assert err.startswith("newsdesk: Cannot read ")
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": 3}', encoding="utf-8")
    status, _, err = run(["eval", str(bad)], make_settings(tmp_path))
    assert status == 1
    assert "is not a SQuAD-format file" in err
    assert "Traceback" not in err


def test_a_missing_articles_folder_is_one_clear_line(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, articles_dir=tmp_path / "missing")
    status, out, err = run(["ask", "Was ist MAI-1?"], settings)
    assert (status, out) == (1, "")
    assert "missing" in err
    assert "NEWSDESK_ARTICLES_DIR" in err


def test_the_shell_answers_each_line_until_quit(seed_settings: Settings) -> None:
    lines = "help\nWas ist MAI-1?\n\n🤖\nquit\nWas ist MAI-1?\n"
    status, out, _ = run(["shell"], seed_settings, stdin=lines)
    assert status == 0
    assert out.startswith("Newsdesk mit 5 Artikeln.")
    assert "ask <Frage>" in out
    assert out.count("MAI-1-Modell") == 1  # the line after quit was not read
    assert "keine Wörter" in out


def test_the_shell_ends_at_end_of_input(seed_settings: Settings) -> None:
    status, out, _ = run(["shell"], seed_settings, stdin="Wer ist Mustafa Suleyman?")
    assert status == 0
    assert "Suleyman" in out


def test_usage_errors_exit_2_with_help(seed_settings: Settings) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["frobnicate"], seed_settings)
    assert exit_info.value.code == 2


def run_installed(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``newsdesk`` script with only PATH, HOME and ``env`` in its environment."""
    script = Path(sys.executable).with_name("newsdesk")
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), **env},
        cwd=home,
        timeout=120,
        check=False,
    )


def test_the_installed_console_script_runs_on_environment_settings(tmp_path: Path) -> None:
    done = run_installed(
        ["ask", "--json", ""],
        tmp_path,
        NEWSDESK_DATA_DIR=str(tmp_path / "data"),
        NEWSDESK_LANGUAGE="en",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["text"].startswith("Your message was empty.")


def test_a_bad_setting_names_the_variable(tmp_path: Path) -> None:
    done = run_installed(["sources"], tmp_path, NEWSDESK_LANGUAGE="fr")
    assert done.returncode == 1
    assert "NEWSDESK_LANGUAGE" in done.stderr
    assert "Traceback" not in done.stderr


def test_secrets_are_never_echoed_in_errors(tmp_path: Path) -> None:
    done = run_installed(
        ["sources"], tmp_path, SLACK_BOT_TOKEN="xoxb-secret-123", NEWSDESK_SLACK_HTTP_PORT="x"
    )
    assert done.returncode == 1
    assert "NEWSDESK_SLACK_HTTP_PORT" in done.stderr
    assert "xoxb-secret-123" not in done.stderr + done.stdout


def test_digest_print_shows_a_digest_a_person_can_read(seed_settings: Settings) -> None:
    status, out, _ = run(["digest", "--print"], seed_settings)
    assert status == 0
    assert out.startswith("Neu im Archiv\n\nMozilla Bets $1.4 Billion")
    assert "(Creati.ai · 27.01.2026)" in out
    assert "97,4 Milliarden USD" in out  # 001's summary carries its main fact
    assert "ohne Herausgeber" not in out
    assert "ohne Datum" not in out


def test_digest_print_about_a_topic_and_since_a_date(seed_settings: Settings) -> None:
    _, out, _ = run(["digest", "--print", "--topic", "Windsurf"], seed_settings)
    assert out.startswith("Neu im Archiv zum Thema „Windsurf“")
    assert "Windsurf" in out
    assert "Mozilla Bets" not in out
    _, out, _ = run(["digest", "--print", "--since", "2026-01-01"], seed_settings)
    assert "Mozilla Bets" in out
    assert "Microsoft verliert Kontrolle" not in out  # undated articles are left out


def test_digest_print_rejects_a_bad_date_with_an_example(seed_settings: Settings) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["digest", "--print", "--since", "27.01.2026"], seed_settings)
    assert exit_info.value.code == 2


def test_run_without_chat_tokens_serves_the_console(seed_settings: Settings) -> None:
    status, out, _ = run(["run"], seed_settings, stdin="digest list\nquit\n")
    assert status == 0
    assert out.startswith("Newsdesk mit 5 Artikeln.")
    assert "Dieser Kanal hat kein Digest-Abo." in out


def test_discord_invite_prints_the_url_with_exact_permissions(tmp_path: Path) -> None:
    done = run_installed(
        ["discord", "invite"], tmp_path, DISCORD_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        "&scope=bot+applications.commands&permissions=274877991936"
    )
    assert "secret" not in done.stdout + done.stderr


def test_discord_invite_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    done = run_installed(["discord", "invite"], tmp_path)
    assert done.returncode == 1
    assert "DISCORD_TOKEN" in done.stderr


def test_a_source_with_a_url_carries_it_in_json_and_text(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():  # one of them has url front matter
        (articles / name).write_text(text, "utf-8")
    settings = make_settings(tmp_path / "data", articles_dir=articles)
    question = "Für wie viele Haushalte liefert der Windpark Nordsee Strom?"
    status, out, _ = run(["ask", "--json", question], settings)
    assert status == 0
    first = json.loads(out)["sources"][0]
    assert first["url"] == "https://example.org/wind"
    status, out, _ = run(["ask", question], settings)
    assert "https://example.org/wind" in out


def test_eval_questions_asks_the_same_passages_in_other_words(tmp_path: Path) -> None:
    squad = {
        "data": [
            {
                "paragraphs": [
                    {"context": context, "qas": [{"id": i, "question": "Was?"}]}
                    for i, context in enumerate(
                        (
                            "Berlin ist die Hauptstadt von Deutschland.",
                            "Der Rhein fließt durch Köln und Düsseldorf.",
                            "Die Zugspitze ist der höchste Berg des Landes.",
                            "Bienen sammeln Nektar und bestäuben Blüten.",
                        )
                    )
                ]
            }
        ]
    }
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(squad), encoding="utf-8")
    english = tmp_path / "en.json"
    english.write_text(
        json.dumps({"questions": [{"id": 3, "question": "What do bees collect?"}]}), "utf-8"
    )
    settings = make_settings(tmp_path)

    status, out, _ = run(["eval", str(path), "--questions", str(english), "--json"], settings)
    assert status == 0
    assert json.loads(out)["queries"] == 1  # only the translated question is asked
    _, text, _ = run(["eval", str(path), "--questions", str(english)], settings)
    assert "pass the relevance gate (0.35)" in text

    english.write_text(json.dumps({"questions": [{"id": 99, "question": "Why?"}]}), "utf-8")
    status, out, err = run(["eval", str(path), "--questions", str(english)], settings)
    assert (status, out) == (1, "")
    assert "question ids not in the SQuAD file: 99" in err

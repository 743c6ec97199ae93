"""The French trainer guide (issue 16): it follows the current English, and says the course's own French.

``grader/TRAINER_GUIDE.fr.md`` translates parts 1, 2 and 4 of ``grader/TRAINER_GUIDE.md`` and walks through the
commands of part 3. Its first line is a stamp with the SHA-256 of those English parts (``ssr_grader.guide``): when the
English changes, the test below names the changed part until a reviewer updates the French and re-stamps it.
Fast: no kernel, no browser.
"""

from __future__ import annotations

import hashlib
import re
import shutil

from ssr_grader import guide
from ssr_widgets.translation.catalogue import Project, _read
from ssr_widgets.translation.typography import french_spacing

from .conftest import ROOT
from .test_translation import english_sentences

ENGLISH = ROOT / "grader" / "TRAINER_GUIDE.md"
FRENCH = ROOT / "grader" / "TRAINER_GUIDE.fr.md"
FENCED = re.compile(r"^\s*```[^\n]*\n(.*?)^\s*```", re.S | re.M)


def _text(path):
    return path.read_text(encoding="utf-8")


def _french_notebook_headings() -> dict[str, str]:
    """English heading -> French heading, for every Markdown heading of the French course (``notebooks.po``)."""
    catalog = _read(Project.here().po("notebooks", "fr"), "fr")
    return {f"{m.context.partition('#')[0]}|{m.id.splitlines()[0]}": m.string.splitlines()[0]
            for m in catalog if m.id and m.string and m.id.startswith("#")}


def _exercise_titles() -> dict[tuple[str, str], str]:
    """(section number, exercise number) -> the exercise's French title, as the French notebooks show it."""
    titles = {}
    for key, french in _french_notebook_headings().items():
        notebook, _, english = key.partition("|")
        section = re.fullmatch(r"0(\d)_\w+\.ipynb", notebook)
        exercise = re.fullmatch(r"### Exercice (\d+)\u00a0: (.+)", french)
        if section and english.startswith("### Exercise ") and exercise:
            titles[(section[1], exercise[1])] = exercise[2]
    return titles


def _sections(part: str) -> list[tuple[str, str]]:
    """(section number, its text) for each ``### Section N`` of a guide's part 2."""
    pieces = re.split(r"^(### Section (\d)\s.*)$", part, flags=re.M)  # \s: a no-break space before the colon
    return [(pieces[i + 1], pieces[i] + pieces[i + 2]) for i in range(1, len(pieces) - 1, 3)]


# -- in step: the stamp, and a changed English part named ----------------------------------------------------------

def test_the_french_guide_follows_the_current_english_parts():
    problems = guide.changed_parts(_text(ENGLISH), _text(FRENCH))
    assert problems == [], (
        "\n".join(problems) + f"\nUpdate grader/TRAINER_GUIDE.fr.md to match the English, have it reviewed, then run "
        f"`{guide.RESTAMP}` to record the English it now follows.")


def test_the_stamp_names_the_parts_and_the_sha256_of_their_exact_english_text():
    first = _text(FRENCH).splitlines()[0]
    match = re.match(r"<!-- en: TRAINER_GUIDE\.md parts 1, 2, 3, 4; sha256 ([0-9a-f]{64});", first)
    assert match, first
    # an independent split: from each '## N.' heading to the next '## ' heading (no fences hold one in this guide)
    english = _text(ENGLISH)
    chunks = re.split(r"(?m)^(?=## )", english)
    followed = [c for c in chunks if re.match(r"## [1-4]\. ", c)]
    assert [c[3] for c in followed] == ["1", "2", "3", "4"]
    assert match[1] == hashlib.sha256("".join(followed).encode("utf-8")).hexdigest()


def test_a_change_to_an_english_part_is_detected_and_named_until_restamped(tmp_path):
    english, french = tmp_path / "TRAINER_GUIDE.md", tmp_path / "TRAINER_GUIDE.fr.md"
    shutil.copy(ENGLISH, english)
    shutil.copy(FRENCH, french)
    assert guide.changed_parts(_text(english), _text(french)) == []
    # a part the French does not follow (5) may change freely
    text = _text(english).replace("## 5. Keeping the item bank private\n", "## 5. Keeping the item bank private\n\nNew.\n")
    english.write_text(text, encoding="utf-8")
    assert guide.changed_parts(_text(english), _text(french)) == []
    # a new debrief question in part 2 is named, with its part, and nothing else is
    old = '  - "What happens to the 1,100 children in the camps?"\n'
    assert old in text
    english.write_text(text.replace(old, old + '  - "Who pays for it?"\n'), encoding="utf-8")
    problems = guide.changed_parts(_text(english), _text(french))
    assert problems == ["part 2 (Facilitation notes) of TRAINER_GUIDE.md changed since the French was last reviewed"]
    assert guide.main(["--english", str(english), "--french", str(french)]) == 1
    # after the review, the command re-stamps: only the first line changes
    before = _text(french)
    assert guide.main(["--stamp", "--english", str(english), "--french", str(french)]) == 0
    after = _text(french)
    assert after.split("\n", 1)[1] == before.split("\n", 1)[1] and after != before
    assert guide.changed_parts(_text(english), after) == []
    # a removed part is named too
    english.write_text(_text(english).replace("## 4. Hand-grading", "## Hand-grading"), encoding="utf-8")
    assert guide.changed_parts(_text(english), after) == ["part 4 is no longer in the English guide"]


def test_a_french_guide_without_a_stamp_says_how_to_stamp_it():
    body = _text(FRENCH).split("\n", 1)[1]
    assert guide.changed_parts(_text(ENGLISH), body) == [
        f"the French guide has no stamp on its first line: run `{guide.RESTAMP}` after a review"]


# -- what the French says ----------------------------------------------------------------------------------------

def test_the_french_guide_says_what_it_covers_and_where_the_french_course_and_certificates_are():
    head = _text(FRENCH).split("\n## 1.", 1)[0]
    assert "Le guide complet est en anglais" in head and "`grader/TRAINER_GUIDE.md`" in head
    for n in "1234":
        assert f"la partie {n} (" in head, n
    assert "`notebooks/fr/`" in head and "`language`" in head
    assert sorted(guide.parts(_text(FRENCH))) == ["1", "2", "3", "4"]
    assert "[`TRAINER_GUIDE.fr.md`](TRAINER_GUIDE.fr.md)" in _text(ENGLISH).split("\n## 1.", 1)[0]


def test_every_group_activity_of_the_english_part_2_is_in_french_with_the_courses_exercise_title():
    english = re.findall(r"^#### Group activity: .* \(Exercise (\d+), (LO\d)\)$", guide.parts(_text(ENGLISH))["2"],
                         re.M)
    french_part = guide.parts(_text(FRENCH))["2"]
    french = re.findall(r"^#### Activité de groupe\u00a0: .* \(exercice (\d+), (LO\d)\)$", french_part, re.M)
    assert len(english) == 4 and french == english
    titles = _exercise_titles()
    headings = []
    for section, text in _sections(french_part):
        for number, objective in re.findall(r"^#### Activité de groupe\u00a0: .* \(exercice (\d+), (LO\d)\)$", text, re.M):
            headings.append(f"#### Activité de groupe\u00a0: {titles[(section, number)]} (exercice {number}, {objective})")
    assert headings == re.findall(r"^#### Activité de groupe\u00a0: .*$", french_part, re.M)


def test_section_and_exercise_titles_are_the_french_courses():
    course = {f for e, f in _french_notebook_headings().items() if re.search(r"\|# Section \d", e)}
    french_part = guide.parts(_text(FRENCH))["2"]
    shown = re.findall(r"^### (Section \d\u00a0: .*?) \(LO", french_part, re.M)
    assert sorted(f"# {s}" for s in shown) == sorted(course) and len(shown) == 4
    agenda = guide.parts(_text(FRENCH))["1"]
    for title in course:
        assert f"| {title.removeprefix('# ')} |" in agenda, title
    titles = _exercise_titles()
    quoted = 0
    for section, text in _sections(french_part):
        for number, title in re.findall(r"exercice (\d+) «\u00a0(.+?)\u00a0»(?= |\.|,|$)", text.replace("\n  ", " "), re.M):
            assert title == titles[(section, number)], (section, number, title)
            quoted += 1
    assert quoted >= 8


def test_no_english_sentence_in_the_french_guide():
    text = FENCED.sub(" ", _text(FRENCH))
    assert english_sentences(text) == []


def test_the_french_guide_keeps_marks_and_guillemets_with_their_words():
    """French spacing (ssr_widgets/translation/typography.py), outside code."""
    text = _text(FRENCH)
    assert french_spacing(text) == text


def test_every_command_of_the_french_walkthrough_is_in_the_english_guide():
    english = _text(ENGLISH)
    part = guide.parts(_text(FRENCH))["3"]
    commands = [line.strip() for block in FENCED.findall(part) for line in block.splitlines() if line.strip()]
    inline = re.findall(r"`(ssr-trainer [^`]*)`", FENCED.sub(" ", part))
    assert len(commands) >= 12
    missing = [c for c in commands + inline if c not in english]
    assert missing == [], "commands, options and file names stay exactly as in the English guide"
    # in the order a trainer types them: roster, release, collect, grade, report, certify
    steps = [re.match(r"ssr-trainer ([\w-]+)", c)[1] for c in commands if c.startswith("ssr-trainer ")]
    order = ["roster", "release", "collect", "grade", "report", "issue"]
    assert [steps.index(s) for s in order] == sorted(steps.index(s) for s in order)
    assert part.rstrip().endswith("Pour le détail, voir le guide en anglais (partie 3).")

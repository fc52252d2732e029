"""Held-out NLU evaluation and classroom threshold tuning (issue 14, items 5 and 6).

    python scripts/nlu_eval.py check-overlap
    python scripts/nlu_eval.py evaluate --model var/models/advisor.tar.gz [--thresholds 0.3,0.4] [--json OUT]
    python scripts/nlu_eval.py tune --model var/models/advisor.tar.gz [--json OUT]

check-overlap  fails when a held-out message (tests/heldout/*.yml), normalised, is also a training
               example (rasa_bot/data/nlu/*.yml, every intent and faq/<topic>).
evaluate       parses every held-out message with a trained model, in process, and scores the
               typed questionnaire and plan answers with the project's own parsers.
tune           picks the classroom gate and fallback thresholds on the DEV sets (tests/dev: realistic
               messages, never trained on, never the held-out test): parses them with a trained model
               and applies every threshold pair to the raw scores in Python.

Rasa, TensorFlow and the action code are imported only by the commands that need them, so
check-overlap (and tests/unit/test_heldout_overlap.py, which imports this file) stays fast.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import inspect
import json
import logging
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
NLU_DIR = ROOT / "rasa_bot" / "data" / "nlu"
HELDOUT_DIR = ROOT / "tests" / "heldout"
DEV_DIR = ROOT / "tests" / "dev"   # realistic messages for choosing thresholds: never trained on, never the test
MESSAGES_FILE = HELDOUT_DIR / "en_messages.yml"
TYPED_ANSWERS_FILE = HELDOUT_DIR / "en_typed_answers.yml"
LANGUAGES = ("en", "zh")  # held-out files are <language>_messages*.yml and <language>_typed_answers*.yml


def message_files(language: str) -> list[Path]:
    return sorted(HELDOUT_DIR.glob(f"{language}_messages*.yml"))


def typed_answer_files(language: str) -> list[Path]:
    return sorted(HELDOUT_DIR.glob(f"{language}_typed_answers*.yml"))


def dev_message_files(language: str) -> list[Path]:
    return sorted(DEV_DIR.glob(f"{language}_messages*.yml"))
CONFIG_FILE = ROOT / "rasa_bot" / "config.yml"

FALLBACK = "nlu_fallback"
RETRIEVAL_INTENT = "faq"
PLAN_SLOTS = ("child_age", "monthly_contribution", "target_amount")
MAX_WRONG_CLASSROOM = 0.02  # issue 14: wrong classroom answers <= 2% of those answered
SWEEP = tuple(round(0.05 * step, 2) for step in range(0, 20))  # 0.00 .. 0.95

# ================================================================== held-out data and the overlap check

_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """Lower case, entity annotations and punctuation removed, spaces collapsed."""
    text = _ANNOTATION.sub(r"\1", text).lower()
    text = re.sub(r"[^\w\s]", "", text)  # "what's" -> "whats"
    return " ".join(text.split())


def load_messages(path: Path = MESSAGES_FILE) -> list[dict[str, Any]]:
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("text") or not entry.get("intent"):
            raise ValueError(f"{path}: messages[{n}]: needs text and intent")
        if (entry["intent"] == RETRIEVAL_INTENT) != bool(entry.get("topic")):
            raise ValueError(f"{path}: messages[{n}]: a topic goes with intent {RETRIEVAL_INTENT} and only with it")
    return entries


def load_typed_answers(path: Path = TYPED_ANSWERS_FILE) -> list[dict[str, Any]]:
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("answers") or []
    for n, entry in enumerate(entries):
        labels = [key for key in ("expect", "candidates", "reject", "answer") if key in entry]
        if not entry.get("slot") or not entry.get("text") or len(labels) != 1:
            raise ValueError(f"{path}: answers[{n}]: needs slot, text and exactly one of "
                             "expect / candidates / reject / answer")
    return entries


def heldout_texts() -> list[tuple[str, str]]:
    """(file name, text) of every held-out and DEV message and typed answer, in every language."""
    found: list[tuple[str, str]] = []
    for language in LANGUAGES:
        for path in message_files(language):
            found += [(path.name, m["text"]) for m in load_messages(path)]
        for path in dev_message_files(language):
            found += [(f"dev/{path.name}", m["text"]) for m in load_messages(path)]
        for path in typed_answer_files(language):
            found += [(path.name, a["text"]) for a in load_typed_answers(path)]
    return found


def training_examples(nlu_dir: Path = NLU_DIR) -> dict[str, set[str]]:
    """Normalised training text -> the intents (faq/<topic> for the classroom) it is an example of.

    Read straight from the YAML (Rasa's `examples: |` blocks of `- text` lines): no Rasa needed.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue  # synonyms, regexes and lookups are not sentences
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found[normalise(line[2:])].add(str(block["intent"]))
    return found


def overlaps(nlu_dir: Path = NLU_DIR) -> list[tuple[str, str, list[str]]]:
    """(file, held-out text, training intents) for each held-out text also found in the training data."""
    training = training_examples(nlu_dir)
    return [(name, text, sorted(training[normalise(text)]))
            for name, text in heldout_texts() if normalise(text) in training]


def check_overlap(args: argparse.Namespace) -> int:
    nlu_dir = Path(getattr(args, "nlu_dir", None) or NLU_DIR)
    clashes = overlaps(nlu_dir)
    total = len(heldout_texts())
    if not clashes:
        print(f"check-overlap: none of the {total} held-out texts is in {nlu_dir}")
        return 0
    print(f"check-overlap: {len(clashes)} of {total} held-out texts are also training examples in {nlu_dir}:")
    for name, text, intents in clashes:
        print(f"  {name}: {text!r} (trained as {', '.join(intents)})")
    return 1


# ================================================================== reading a parse

@dataclass(frozen=True)
class Parse:
    """What the NLU said about one message: the model's decision and the raw scores under it."""

    text: str
    intent: str                    # the model's final intent (its own gate and fallback applied)
    raw_intent: str                # the classifier's top intent before any fallback
    raw_confidence: float
    margin: float                  # top minus second raw intent confidence (the ambiguity check)
    topic: str | None              # the ResponseSelector's pick inside faq (faq/<topic> -> <topic>)
    topic_confidence: float

    @functools.cached_property
    def mostly_chinese(self) -> bool:
        """Which of the gate's thresholds applies (asked once per message, not once per sweep row)."""
        from advisor_core.domain.language import mostly_chinese

        return mostly_chinese(self.text)


def read_parse(result: dict[str, Any]) -> Parse:
    ranking = [r for r in result.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    final = (result.get("intent") or {}).get("name") or FALLBACK
    if ranking:
        raw, raw_confidence = ranking[0]["name"], float(ranking[0].get("confidence") or 0.0)
        second = float(ranking[1].get("confidence") or 0.0) if len(ranking) > 1 else 0.0
    else:
        raw, raw_confidence, second = final, float((result.get("intent") or {}).get("confidence") or 0.0), 0.0
    selected = ((result.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}).get("response") or {}
    key = selected.get("intent_response_key") or ""
    topic = key.split("/", 1)[1] if "/" in key else None
    return Parse(text=result.get("text", ""), intent=final, raw_intent=raw, raw_confidence=raw_confidence,
                 margin=raw_confidence - second, topic=topic,
                 topic_confidence=float(selected.get("confidence") or 0.0))


@dataclass(frozen=True, order=True)
class Gates:
    """The FaqConfidenceGate's thresholds: one for messages mostly in Chinese characters, one for
    the others (the selector's confidence is not calibrated alike in the two scripts)."""

    latin: float
    chinese: float

    def for_parse(self, parse: Parse) -> float:
        return self.chinese if parse.mostly_chinese else self.latin

    def __str__(self) -> str:
        return f"{self.latin}/{self.chinese}"


def decide(parse: Parse, gate: float | Gates, fallback: float, ambiguity: float) -> str:
    """The intent the pipeline would give with these thresholds: the FaqConfidenceGate (classroom
    answer confidence) then the FallbackClassifier (intent confidence and ambiguity)."""
    if isinstance(gate, Gates):
        gate = gate.for_parse(parse)
    if parse.raw_intent == RETRIEVAL_INTENT and parse.topic_confidence < gate:
        return FALLBACK
    if parse.raw_confidence < fallback or parse.margin < ambiguity:
        return FALLBACK
    return parse.raw_intent


# ================================================================== intent and classroom figures

@dataclass
class IntentFigures:
    messages: int
    intent_accuracy: float            # intent right; nlu_fallback on an in-scope message is wrong
    end_to_end_accuracy: float        # intent right and, for the classroom, the right topic
    known_intent_accuracy: float      # intent accuracy over the intents the model was trained on
    fallbacks: int
    classroom_questions: int
    classroom_accuracy: float         # right topic given / classroom questions
    classroom_answered: int           # classroom questions given a classroom answer (not fallen back)
    classroom_coverage: float         # answered / classroom questions
    classroom_wrong_rate: float       # wrong topic / answered
    classroom_answers_to_other_messages: int  # a classroom answer given to a non-classroom message
    per_intent: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def intent_figures(labelled: Sequence[dict[str, Any]], decided: Sequence[tuple[str, str | None]],
                   known_intents: Iterable[str] | None = None) -> IntentFigures:
    """Score (intent, topic) decisions against the labels. Topic matters only when intent is faq."""
    known = set(known_intents) if known_intents is not None else None
    per_intent: dict[str, Counter] = defaultdict(Counter)
    errors: list[dict[str, Any]] = []
    right = e2e = fallbacks = known_total = known_right = 0
    classroom = answered = answered_right = stray = 0
    for label, (intent, topic) in zip(labelled, decided, strict=True):
        expected = label["intent"]
        ok = intent == expected
        ok_e2e = ok and (expected != RETRIEVAL_INTENT or topic == label.get("topic"))
        right += ok
        e2e += ok_e2e
        fallbacks += intent == FALLBACK
        if known is None or expected in known:
            known_total += 1
            known_right += ok
        per_intent[expected]["n"] += 1
        per_intent[expected]["right"] += ok_e2e
        if expected == RETRIEVAL_INTENT:
            classroom += 1
            if intent == RETRIEVAL_INTENT:
                answered += 1
                answered_right += topic == label["topic"]
        elif intent == RETRIEVAL_INTENT:
            stray += 1
        if not ok_e2e:
            got = f"faq/{topic}" if intent == RETRIEVAL_INTENT else intent
            want = f"faq/{label['topic']}" if expected == RETRIEVAL_INTENT else expected
            errors.append({"text": label["text"], "expected": want, "got": got})
    return IntentFigures(
        messages=len(labelled),
        intent_accuracy=_ratio(right, len(labelled)),
        end_to_end_accuracy=_ratio(e2e, len(labelled)),
        known_intent_accuracy=_ratio(known_right, known_total),
        fallbacks=fallbacks,
        classroom_questions=classroom,
        classroom_accuracy=_ratio(answered_right, classroom),
        classroom_answered=answered,
        classroom_coverage=_ratio(answered, classroom),
        classroom_wrong_rate=_ratio(answered - answered_right, answered),
        classroom_answers_to_other_messages=stray,
        per_intent={
            name: {"n": c["n"], "right": c["right"],
                   "known_to_model": known is None or name in known}
            for name, c in sorted(per_intent.items())
        },
        errors=errors,
    )


def print_intent_figures(f: IntentFigures, title: str) -> None:
    print(f"\n{title}")
    rows = [
        ("messages", f"{f.messages}"),
        ("intent accuracy (fallback = error)", f"{f.intent_accuracy:.3f}"),
        ("end-to-end accuracy (+ right topic)", f"{f.end_to_end_accuracy:.3f}"),
        ("intent accuracy, intents in the model", f"{f.known_intent_accuracy:.3f}"),
        ("fallbacks (nlu_fallback)", f"{f.fallbacks}"),
        ("classroom questions", f"{f.classroom_questions}"),
        ("classroom answer accuracy", f"{f.classroom_accuracy:.3f}"),
        ("classroom coverage (answered)", f"{f.classroom_coverage:.3f} ({f.classroom_answered})"),
        ("classroom answered wrong", f"{f.classroom_wrong_rate:.3f}"),
        ("classroom answer to a non-classroom msg", f"{f.classroom_answers_to_other_messages}"),
    ]
    for name, value in rows:
        print(f"  {name:<42} {value}")
    weak = [(name, c) for name, c in f.per_intent.items() if c["right"] < c["n"]]
    if weak:
        print("  per intent (right/n, errors only):")
        for name, c in weak:
            note = "" if c["known_to_model"] else "  (intent not in this model)"
            print(f"    {name:<32} {c['right']:>3}/{c['n']:<3}{note}")


# ================================================================== typed answers

@dataclass(frozen=True)
class Outcome:
    kind: str                        # "value" (stored), "ask" (asked back with candidates), "reject"
    value: Any = None
    candidates: tuple[Any, ...] = ()
    slot: str | None = None          # the slot the value went to (a target typed at the monthly question)


@dataclass(frozen=True)
class Verdict:
    understood: bool
    riskier: bool = False            # stored a reading with more risk weight than the label allows
    clarified: bool = False          # a clear answer that was asked back (understood, one tap more)
    nonanswer_stored: bool = False   # a non-answer or digression stored as an answer


def _plain(value: Any) -> Any:
    """An option id / number / list from whatever the parser returned."""
    if hasattr(value, "id"):
        return value.id
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def kyc_outcome(questionnaire: Any, slot: str, text: str) -> Outcome:
    """Read the typed text the way the questionnaire form does (advisor_core.domain.answers)."""
    from advisor_core.domain.answers import ReadingKind, read_answer

    reading = read_answer(questionnaire, slot, text)
    if reading.kind is ReadingKind.AMBIGUOUS:
        return Outcome("ask", candidates=tuple(_plain(c) for c in reading.candidates))
    if reading.kind is ReadingKind.REJECTED:
        return Outcome("reject")
    return Outcome("value", value=_plain(reading.value), slot=slot)  # accepted, or an age under 18


def plan_outcome(slot: str, text: str) -> Outcome:
    """Run the education plan form's own validate_<slot> (actions/plans.py) on the typed text."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.plans import ValidateEducationPlanForm

    tracker = Tracker(sender_id="heldout", slots={"requested_slot": slot},
                      latest_message={"text": text, "intent": {"name": "inform", "confidence": 1.0}},
                      events=[], paused=False, followup_action=None,
                      active_loop={"name": "education_plan_form"}, latest_action_name=None)
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateEducationPlanForm(), f"validate_{slot}")(text, dispatcher, tracker, {})
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    for name in PLAN_SLOTS:
        if (result or {}).get(name) is not None:
            return Outcome("value", value=_number(result[name]), slot=name)
    buttons = [b for m in dispatcher.messages for b in (m.get("buttons") or [])]
    if buttons:
        return Outcome("ask", candidates=tuple(b.get("title") for b in buttons))
    return Outcome("reject")


def risk_weight(questionnaire: Any, slot: str, value: Any) -> float | None:
    """How much risk a stored reading adds: the option's points; for the knowledge items, 1 for the
    correct answer (it raises the knowledge score); for the age, the age band's points, and -1 under
    18 (no assessment at all). None where risk does not apply (goals, plan amounts)."""
    if slot in PLAN_SLOTS or slot == questionnaire.goals.slot:
        return None
    item = questionnaire.item_for_slot(slot)
    if item.is_age:
        age = _number(value)
        if age is None:
            return None
        if age < 18:
            return -1
        return next((b.points for b in item.age_bands if b.min <= age <= b.max), None)
    try:
        option = item.option(str(value))
    except KeyError:
        return None
    if item.group.value == "knowledge":
        return 1 if option.correct else 0
    return option.points


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, list):
        return isinstance(a, (list, tuple)) and set(map(str, a)) == set(map(str, b))
    if isinstance(b, (int, float, Decimal)) and not isinstance(b, bool):
        return _number(a) is not None and _number(a) == _number(b)
    return str(a) == str(b)


def judge(questionnaire: Any, entry: dict[str, Any], outcome: Outcome) -> Verdict:
    """Score one typed answer.

    expect X        understood: X stored (in the slot `expect_slot`, if given), or asked back with
                    candidates that include X and are not simply every option (then also `clarified`).
    candidates L    understood: the least risky option of L stored, or asked back with a set that
                    includes all of L and is not every option.
    reject / answer: false
                    understood: nothing stored (rejected, or asked back); a stored value is a
                    `nonanswer_stored`.
    riskier         a stored option whose risk weight (see risk_weight) is above the expected
                    option's (for L: the least risky of L).
    """
    slot = entry["slot"]
    if entry.get("reject") or entry.get("answer") is False:
        return Verdict(understood=outcome.kind != "value", nonanswer_stored=outcome.kind == "value")
    all_options = _all_options(questionnaire, slot)
    if "candidates" in entry:
        labelled = [str(c) for c in entry["candidates"]]
        weights = {c: risk_weight(questionnaire, slot, c) for c in labelled}
        safest = min(w for w in weights.values() if w is not None)
        if outcome.kind == "value":
            risky = _risk_above(questionnaire, slot, outcome.value, safest)
            return Verdict(understood=str(outcome.value) in labelled and weights[str(outcome.value)] == safest,
                           riskier=risky)
        if outcome.kind == "ask":
            asked = set(map(str, outcome.candidates))
            return Verdict(understood=set(labelled) <= asked and asked != all_options)
        return Verdict(understood=False)
    expected = entry["expect"]
    want_slot = entry.get("expect_slot", slot)
    if outcome.kind == "value":
        right = _same(outcome.value, expected) and (outcome.slot or slot) == want_slot
        expected_weight = risk_weight(questionnaire, slot, expected)
        risky = expected_weight is not None and _risk_above(questionnaire, slot, outcome.value, expected_weight)
        return Verdict(understood=right, riskier=risky)
    if outcome.kind == "ask":
        offered = [str(c) for c in outcome.candidates]
        hit = any(_same(c, expected) for c in offered) if not isinstance(expected, list) else False
        return Verdict(understood=hit and set(offered) != all_options, clarified=hit)
    return Verdict(understood=False)


def _risk_above(questionnaire: Any, slot: str, value: Any, limit: float) -> bool:
    weight = risk_weight(questionnaire, slot, value)
    return weight is not None and weight > limit


def _all_options(questionnaire: Any, slot: str) -> set[str]:
    if slot in PLAN_SLOTS:
        return set()
    if slot == questionnaire.goals.slot:
        return set(questionnaire.goals.option_ids)
    return set(questionnaire.item_for_slot(slot).option_ids)


def typed_answer_figures(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from advisor_core.adapters.datafiles import default_questionnaire

    q = default_questionnaire()
    kinds: dict[str, Counter] = defaultdict(Counter)
    failures, riskier, stored = [], [], []
    clarified = 0
    for entry in entries:
        slot, text = entry["slot"], entry["text"]
        outcome = plan_outcome(slot, text) if slot in PLAN_SLOTS else kyc_outcome(q, slot, text)
        verdict = judge(q, entry, outcome)
        kind = ("digression" if entry.get("answer") is False else "non-answer" if entry.get("reject")
                else "boundary/ambiguous" if "candidates" in entry else "answer")
        kinds[kind]["n"] += 1
        kinds[kind]["understood"] += verdict.understood
        clarified += verdict.clarified
        got = (f"asked back {list(outcome.candidates)}" if outcome.kind == "ask"
               else f"{outcome.slot}={outcome.value}" if outcome.kind == "value" else "rejected")
        want = ({k: entry[k] for k in ("expect", "expect_slot", "candidates", "reject", "answer") if k in entry})
        row = {"slot": slot, "text": text, "label": want, "got": got}
        if not verdict.understood:
            failures.append(row)
        if verdict.riskier:
            riskier.append(row)
        if verdict.nonanswer_stored:
            stored.append(row)
    total = sum(c["n"] for c in kinds.values())
    understood = sum(c["understood"] for c in kinds.values())
    return {
        "typed_answers": total,
        "understood": understood,
        "understood_share": _ratio(understood, total),
        "by_kind": {k: dict(c) for k, c in sorted(kinds.items())},
        "clarified_clear_answers": clarified,
        "read_riskier": len(riskier),
        "nonanswers_stored": len(stored),
        "riskier": riskier,
        "nonanswers_stored_list": stored,
        "failures": failures,
    }


def print_typed_figures(f: dict[str, Any], name: str = "") -> None:
    print(f"\nTyped questionnaire and plan answers {name} (parsers, no NLU)")
    print(f"  {'understood':<42} {f['understood_share']:.3f} ({f['understood']}/{f['typed_answers']})")
    for kind, c in f["by_kind"].items():
        print(f"    {kind:<40} {c.get('understood', 0)}/{c['n']}")
    print(f"  {'clear answers asked back (still counted)':<42} {f['clarified_clear_answers']}")
    print(f"  {'read as riskier than stated':<42} {f['read_riskier']}")
    print(f"  {'non-answers/digressions stored':<42} {f['nonanswers_stored']}")
    for row in f["failures"]:
        flag = " RISKIER" if row in f["riskier"] else ""
        print(f"    x {row['slot']:<30} {row['text']!r}: want {row['label']}, got {row['got']}{flag}")


# ================================================================== evaluate

_AGENTS: dict[str, Any] = {}


def parse_all(model: Path, texts: Sequence[str]) -> tuple[list[Parse], set[str] | None]:
    """Parse texts in process with a trained model; also return the intents the model knows (None
    for an NLU-only model, whose domain is empty)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = _AGENTS.get(str(model))
    if agent is None:
        agent = _AGENTS[str(model)] = Agent.load(str(model))   # once per run, not per held-out file

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    results = asyncio.run(run())
    known = set(agent.domain.intents) if agent.domain is not None and agent.domain.intents else None
    return [read_parse(r) for r in results], known


def evaluate(args: argparse.Namespace) -> int:
    if not Path(args.model).is_file():
        print(f"evaluate: no model at {args.model} (train one first, e.g. scripts/start.sh or scripts/test.sh)")
        return 2
    if (code := check_overlap(args)) != 0:
        print("evaluate: refusing to score a held-out set the model may have been trained on")
        return code
    report: dict[str, Any] = {"model": str(args.model)}
    languages = LANGUAGES if args.language == "all" else (args.language,)
    for language in languages:
        for path in message_files(language):
            report[path.name] = evaluate_messages(args, path)
        for path in typed_answer_files(language):
            report[path.name] = evaluate_typed(args, path)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


def evaluate_messages(args: argparse.Namespace, path: Path) -> dict[str, Any]:
    messages = load_messages(path)
    parses, known = parse_all(Path(args.model), [m["text"] for m in messages])
    report: dict[str, Any] = {}
    as_trained = intent_figures(messages, [(p.intent, p.topic) for p in parses], known)
    print_intent_figures(as_trained, f"Held-out messages {path.name}, model as trained ({args.model})")
    report["messages"] = asdict(as_trained)
    if args.thresholds:
        gate, fallback = parse_thresholds(args.thresholds)
        ambiguity = configured_ambiguity()
        decided = [(decide(p, gate, fallback, ambiguity), p.topic) for p in parses]
        redone = intent_figures(messages, decided, known)
        print_intent_figures(redone, f"Held-out messages {path.name}, gate {gate} / fallback {fallback} "
                                     f"(ambiguity {ambiguity}) applied to the raw scores")
        report["messages_at_thresholds"] = {"gate": asdict(gate), "fallback": fallback, "ambiguity": ambiguity,
                                            **asdict(redone)}
    print("  errors:")
    for e in as_trained.errors:
        print(f"    {e['text']!r}: want {e['expected']}, got {e['got']}")
    return report


def evaluate_typed(args: argparse.Namespace, path: Path) -> dict[str, Any]:
    answers = load_typed_answers(path)
    digressions = [a for a in answers if a.get("answer") is False and a.get("intent")]
    parses, _ = parse_all(Path(args.model), [d["text"] for d in digressions])
    typed = typed_answer_figures(answers)
    right = sum(p.intent == d["intent"] and (d["intent"] != RETRIEVAL_INTENT or p.topic == d.get("topic"))
                for p, d in zip(parses, digressions, strict=True))
    typed["digressions_answered_by_nlu"] = f"{right}/{len(digressions)}"
    print_typed_figures(typed, path.name)
    print(f"  {'digressions the NLU answers (intent/topic)':<42} {right}/{len(digressions)}")
    return typed


def typed_only(args: argparse.Namespace) -> int:
    report: dict[str, Any] = {}
    languages = LANGUAGES if args.language == "all" else (args.language,)
    for language in languages:
        for path in typed_answer_files(language):
            report[path.name] = typed_answer_figures(load_typed_answers(path))
            print_typed_figures(report[path.name], path.name)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


# ================================================================== tune (the DEV sets)

def configured_ambiguity(config: Path = CONFIG_FILE) -> float:
    for component in yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("ambiguity_threshold", 0.1))
    return 0.0


@dataclass(frozen=True)
class SweepRow:
    gate: Gates
    fallback: float
    figures: dict[str, IntentFigures]   # per DEV file

    @property
    def feasible(self) -> bool:
        """Wrong classroom answers at most 2% of those answered, in every language's DEV set."""
        return all(f.classroom_wrong_rate <= MAX_WRONG_CLASSROOM for f in self.figures.values())

    @property
    def answered(self) -> int:
        return sum(f.classroom_answered for f in self.figures.values())

    @property
    def end_to_end_right(self) -> float:
        return sum(f.end_to_end_accuracy * f.messages for f in self.figures.values())


def sweep(dev: dict[str, tuple[Sequence[dict[str, Any]], Sequence[Parse]]], ambiguity: float) -> list[SweepRow]:
    """Every (Latin gate, Chinese gate, fallback) on the SWEEP grid, scored on each DEV set."""
    return [score_row(dev, Gates(latin, chinese), fallback, ambiguity)
            for fallback in SWEEP for latin in SWEEP for chinese in SWEEP]


def score_row(dev: dict[str, tuple[Sequence[dict[str, Any]], Sequence[Parse]]], gates: Gates, fallback: float,
              ambiguity: float) -> SweepRow:
    return SweepRow(gates, fallback, {
        name: intent_figures(labelled, [(decide(p, gates, fallback, ambiguity), p.topic) for p in parses])
        for name, (labelled, parses) in dev.items()})


def choose(rows: Sequence[SweepRow]) -> SweepRow:
    """Among the threshold sets keeping wrong classroom answers <= 2% of those answered in every DEV
    set: the most classroom questions answered, then the most messages right end to end; on a
    plateau of equal sets the median gates, then the median fallback (the middle of the plateau,
    not its edge)."""
    feasible = [r for r in rows if r.feasible] or list(rows)
    best = max((r.answered, round(r.end_to_end_right, 6)) for r in feasible)
    tied = [r for r in feasible if (r.answered, round(r.end_to_end_right, 6)) == best]
    gate = statistics.median_low(sorted({r.gate for r in tied}))
    fallback = statistics.median_low(sorted(r.fallback for r in tied if r.gate == gate))
    return next(r for r in tied if r.gate == gate and r.fallback == fallback)


def print_sweep(rows: Sequence[SweepRow], chosen: SweepRow) -> None:
    """A readable cut of the grid: each gate moved alone, the others as chosen, then the fallback."""
    names = list(chosen.figures)
    print(f"\n{'latin':>5} {'chin.':>5} {'fallbk':>6}"
          + "".join(f"  {n[:14]:>14}: {'intent':>6} {'cover':>6} {'wrong':>6}" for n in names) + " ok")
    cuts = (lambda r: r.gate.chinese == chosen.gate.chinese and r.fallback == chosen.fallback,
            lambda r: r.gate.latin == chosen.gate.latin and r.fallback == chosen.fallback,
            lambda r: r.gate == chosen.gate)
    for shown in cuts:
        for r in rows:
            if not shown(r):
                continue
            cells = "".join(f"  {'':>14}  {f.intent_accuracy:>6.3f} {f.classroom_coverage:>6.3f} "
                            f"{f.classroom_wrong_rate:>6.3f}" for f in r.figures.values())
            mark = "  <- chosen" if r is chosen else ""
            print(f"{r.gate.latin:>5.2f} {r.gate.chinese:>5.2f} {r.fallback:>6.2f}{cells} "
                  f"{'y' if r.feasible else 'n'}{mark}")
        print()


def tune(args: argparse.Namespace) -> int:
    """Thresholds from the DEV sets (tests/dev), scored on the raw scores of a trained model.

    The gate and the fallback change no training, and a parse keeps the raw intent ranking and
    the classroom pick under them, so one model serves: the thresholds are applied here in Python.
    """
    model = Path(args.model)
    if not model.is_file():
        print(f"tune: no model at {model} (train one first, e.g. scripts/start.sh or scripts/test.sh)")
        return 2
    if (code := check_overlap(args)) != 0:
        print("tune: refusing to tune on DEV messages the model may have been trained on")
        return code
    dev: dict[str, tuple[Sequence[dict[str, Any]], Sequence[Parse]]] = {}
    for language in LANGUAGES:
        for path in dev_message_files(language):
            labelled = load_messages(path)
            dev[path.name] = (labelled, parse_all(model, [m["text"] for m in labelled])[0])
    if not dev:
        print(f"tune: no DEV sets in {DEV_DIR}")
        return 2
    ambiguity = configured_ambiguity()
    rows = sweep(dev, ambiguity)
    chosen = choose(rows)
    print("DEV sets: " + ", ".join(f"{name} {len(labelled)} messages "
                                   f"({sum(m['intent'] == RETRIEVAL_INTENT for m in labelled)} classroom)"
                                   for name, (labelled, _) in dev.items())
          + f"; ambiguity threshold {ambiguity} as configured")
    print_sweep(rows, chosen)
    gate_now, fallback_now = _configured_thresholds()
    current = next((r for r in rows if r.gate == gate_now and r.fallback == fallback_now), None)
    if current is None:  # configured off the grid: score it on its own
        current = score_row(dev, gate_now, fallback_now, ambiguity)
    for title, row in (("configured now", current), ("chosen", chosen)):
        for name, figures in row.figures.items():
            print_intent_figures(figures, f"DEV {name}, {title}: gate {row.gate} / fallback {row.fallback}")
    print(f"\nchosen: FaqConfidenceGate threshold {chosen.gate.latin}, threshold_chinese {chosen.gate.chinese}, "
          f"FallbackClassifier threshold {chosen.fallback}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "model": str(model), "ambiguity_threshold": ambiguity,
            "chosen": {"gate": asdict(chosen.gate), "fallback": chosen.fallback,
                       **{name: asdict(f) for name, f in chosen.figures.items()}},
            "configured": {"gate": asdict(current.gate), "fallback": current.fallback,
                           **{name: asdict(f) for name, f in current.figures.items()}},
            "sweep": [{"gate": asdict(r.gate), "fallback": r.fallback, **{
                name: {"intent_accuracy": f.intent_accuracy, "end_to_end_accuracy": f.end_to_end_accuracy,
                       "classroom_coverage": f.classroom_coverage, "classroom_wrong_rate": f.classroom_wrong_rate}
                for name, f in r.figures.items()}} for r in rows],
        }, indent=2, default=str), encoding="utf-8")
    return 0


def _configured_thresholds(config: Path = CONFIG_FILE) -> tuple[Gates, float]:
    gates, fallback = Gates(0.0, 0.0), 0.0
    for component in yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []:
        if component.get("name", "").endswith("FaqConfidenceGate"):
            latin = round(float(component.get("threshold", 0.5)), 2)
            chinese = component.get("threshold_chinese")
            gates = Gates(latin, latin if chinese is None else round(float(chinese), 2))
        if component.get("name") == "FallbackClassifier":
            fallback = float(component.get("threshold", 0.3))
    return gates, round(fallback, 2)


def parse_thresholds(value: str) -> tuple[Gates, float]:
    """"GATE,FALLBACK" (one gate for every message) or "LATIN,CHINESE,FALLBACK"."""
    numbers = [float(x) for x in value.split(",")]
    if len(numbers) == 2:
        return Gates(numbers[0], numbers[0]), numbers[1]
    if len(numbers) == 3:
        return Gates(numbers[0], numbers[1]), numbers[2]
    raise ValueError(f"--thresholds wants GATE,FALLBACK or LATIN,CHINESE,FALLBACK, not {value!r}")


# ================================================================== command line

def main(argv: Sequence[str] | None = None) -> int:
    if str(ROOT) not in sys.path:  # advisor_core, actions and the custom NLU component live here
        sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    co = commands.add_parser("check-overlap", help="fail when a held-out text is in the training data")
    co.add_argument("--nlu-dir", help=f"the training data to check against (default {NLU_DIR.relative_to(ROOT)})")
    ev = commands.add_parser("evaluate", help="score a trained model on the held-out set")
    ev.add_argument("--model", required=True, help="a trained model, e.g. var/models/advisor.tar.gz")
    ev.add_argument("--thresholds", help="GATE,FALLBACK or LATIN,CHINESE,FALLBACK (the gate for messages mostly "
                                         "in Chinese): also score with these applied to the raw scores")
    ev.add_argument("--json", help="write the figures to this file")
    ev.add_argument("--language", choices=(*LANGUAGES, "all"), default="all", help="which held-out sets")
    ta = commands.add_parser("typed-answers", help="score only the typed answers (no model needed)")
    ta.add_argument("--json", help="write the figures to this file")
    ta.add_argument("--language", choices=(*LANGUAGES, "all"), default="all", help="which held-out sets")
    tu = commands.add_parser("tune", help="choose the gate and fallback thresholds on the DEV sets")
    tu.add_argument("--model", required=True, help="a trained model, e.g. var/models/advisor.tar.gz")
    tu.add_argument("--json", help="write the sweep and the choice to this file")
    args = parser.parse_args(argv)
    handlers = {"check-overlap": check_overlap, "evaluate": evaluate, "typed-answers": typed_only, "tune": tune}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

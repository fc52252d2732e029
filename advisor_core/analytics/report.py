"""The analytics report: one HTML page with charts, and the CSVs behind every chart.

:func:`write_report` runs the whole analysis on an analytics book (``analytics.book``) - cross-sell
lists, lifecycle and lifetime value, look-alike segments, the persona label check and the
assistant's funnel - and writes into ``out``:

* ``index.html`` with the charts (PNG, matplotlib's Agg backend, no display needed);
* the CSVs (pseudonymous customer ids, no names, no message text) and ``CONTENTS.md`` saying what
  each file holds.

Long steps show a progress bar (tqdm, on stderr) unless ``progress=False``.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from advisor_core.analytics.cross_sell import campaign_lists, cross_sell_frame
from advisor_core.analytics.funnel import funnel_counts, funnel_table
from advisor_core.analytics.label_check import (
    EXPERIMENT_COLUMNS,
    experiment_from_events,
    label_check,
    simulate_experiment,
)
from advisor_core.analytics.lifecycle import lifecycle_frame, stage_summary
from advisor_core.analytics.rules import CAMPAIGN_RULES, AnalyticsRules
from advisor_core.analytics.segments import (
    behaviour_features,
    explain_segments,
    lookalike_segments,
    segment_profiles,
    segment_stability,
)
from advisor_core.domain.products import Catalog

N_SEGMENTS = 5
STABILITY_SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class ReportResult:
    index: Path
    files: tuple[Path, ...]
    segment_agreement: float     # share of customers whose segment the tree's rules reproduce
    segment_stability: float     # mean adjusted Rand index across seeds
    label_source: str            # "recorded" or "simulated"
    flagged_labels: tuple[str, ...]
    label_customers: int = 0     # customers (and arms) in the label check


LABEL_CHECK_SOURCES: tuple[str, ...] = ("auto", "recorded", "simulated")


def write_report(out: Path, book: pd.DataFrame, *, today: dt.date, catalog: Catalog, rules: AnalyticsRules,
                 events: pd.DataFrame | None = None, offer_events: pd.DataFrame | None = None,
                 progress: bool = True, seed: int = 0, label_check_source: str = "auto") -> ReportResult:
    """``offer_events``: the assistant's offer events (``label_check.offer_events_frame``), for the
    funnel and the label check. ``label_check_source``: ``recorded`` checks only the recorded
    experiment (an empty check until the chat has recorded one), ``simulated`` the synthetic one
    on ``book``, ``auto`` the recorded one when it holds anyone, else the synthetic one."""
    from tqdm import tqdm

    if label_check_source not in LABEL_CHECK_SOURCES:
        raise ValueError(f"label_check_source must be one of {', '.join(LABEL_CHECK_SOURCES)}, "
                         f"got {label_check_source!r}")

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    steps = tqdm(total=7, desc="analytics report", unit="step", disable=not progress)

    steps.set_postfix_str("campaign lists")
    offers = cross_sell_frame(book, today, catalog, rules)
    lists = campaign_lists(book, today, catalog, rules, offers=offers)
    for name, frame in lists.items():
        files.append(_csv(frame, out / f"cross_sell_{name}.csv"))
    campaign_sizes = pd.DataFrame({"meets_rule": [int(offers[f"{c}_rule"].sum()) for c in CAMPAIGN_RULES],
                                   "listed_within_level": [len(lists[c]) for c in CAMPAIGN_RULES]},
                                  index=pd.Index(CAMPAIGN_RULES, name="campaign"))
    files.append(_csv(campaign_sizes, out / "campaign_sizes.csv", index=True))
    steps.update()

    steps.set_postfix_str("lifecycle")
    stages = lifecycle_frame(book, today, catalog, rules, offers=offers)
    stage_table = stage_summary(stages)
    files.append(_csv(stage_table, out / "lifecycle_stages.csv", index=True))
    steps.update()

    steps.set_postfix_str("segments")
    features = behaviour_features(book, today)
    labels = lookalike_segments(features, N_SEGMENTS, seed)
    segment_rules, agreement = explain_segments(features, labels)
    profiles = segment_profiles(book, labels, stages["lifetime_value"].to_numpy(), segment_rules)
    stability = segment_stability(features, N_SEGMENTS, tuple(seed + s for s in STABILITY_SEEDS))
    files.append(_csv(profiles, out / "segments.csv", index=True))
    customers = stages.assign(segment=labels)[["customer_id", "stage", "segment", "lifetime_value",
                                               "next_best_action", "offer_product"]]
    files.append(_csv(customers, out / "customers.csv"))
    steps.update()

    steps.set_postfix_str("label check")
    recorded = (experiment_from_events(offer_events) if offer_events is not None and label_check_source != "simulated"
                else pd.DataFrame(columns=list(EXPERIMENT_COLUMNS)))
    if label_check_source == "recorded" or (label_check_source == "auto" and not recorded.empty):
        label_source, experiment = "recorded", recorded
    else:
        label_source = "simulated"
        experiment = simulate_experiment(book, today, catalog, rules, {}, seed=seed)
    checked = label_check(experiment, rules.label_confidence)
    files.append(_csv(checked, out / "label_check.csv", index=True))
    files.append(_csv(experiment, out / "label_check_customers.csv"))
    steps.update()

    steps.set_postfix_str("assistant funnel")
    daily = drops = topics = pd.DataFrame()
    if events is not None and not events.empty:
        counts, drops, topics = funnel_counts(events)
        daily = funnel_table(counts, offer_events)
        files.append(_csv(daily, out / "funnel_daily.csv"))
        files.append(_csv(drops, out / "funnel_dropoff.csv"))
        files.append(_csv(topics, out / "funnel_topics.csv"))
    steps.update()

    steps.set_postfix_str("charts")
    charts = _charts(out, profiles, stage_table, campaign_sizes, checked, daily)
    files.extend(charts.values())
    steps.update()

    steps.set_postfix_str("html")
    index = out / "index.html"
    index.write_text(_html(today, len(book), profiles, agreement, stability, stage_table, campaign_sizes, checked,
                           label_source, len(experiment), daily, drops, topics, charts), encoding="utf-8")
    contents = out / "CONTENTS.md"
    contents.write_text(_contents(files, label_source), encoding="utf-8")
    steps.update()
    steps.close()
    flagged = tuple(str(p) for p in checked.index[checked["flagged"].astype(bool)]) if len(checked) else ()
    return ReportResult(index, (index, contents, *files), agreement, stability, label_source, flagged,
                        len(experiment))


def _csv(frame: pd.DataFrame, path: Path, index: bool = False) -> Path:
    frame.to_csv(path, index=index, date_format="%Y-%m-%d")
    return path


def _charts(out: Path, profiles: pd.DataFrame, stages: pd.DataFrame, campaigns: pd.DataFrame,
            checked: pd.DataFrame, daily: pd.DataFrame) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    charts: dict[str, Path] = {}

    def save(fig: Figure, name: str) -> None:
        path = out / f"{name}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
        charts[name] = path

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    axes[0].bar(profiles.index.astype(str), profiles["customers"], color="#4c72b0")
    axes[0].set_title("Segment size (customers)")
    axes[1].bar(profiles.index.astype(str), profiles["lifetime_value_total"], color="#55a868")
    axes[1].set_title("Segment lifetime value (total)")
    for ax in axes:
        ax.set_xlabel("segment")
    save(fig, "segments")

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.barh(list(stages.index)[::-1], list(stages["customers"])[::-1], color="#8172b2")
    ax.set_title("Customers by lifecycle stage")
    save(fig, "lifecycle")

    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = np.arange(len(campaigns))
    ax.bar(x - 0.2, campaigns["meets_rule"], 0.4, label="meets the rule", color="#c0c0c0")
    ax.bar(x + 0.2, campaigns["listed_within_level"], 0.4, label="listed (within level)", color="#dd8452")
    ax.set_xticks(x, campaigns.index)
    ax.legend()
    ax.set_title("Campaign sizes")
    save(fig, "campaigns")

    fig, ax = plt.subplots(figsize=(7, 3))
    if len(checked):
        y = np.arange(len(checked))
        diff = checked["difference"].astype(float).to_numpy()
        err = np.vstack([diff - checked["ci_low"].astype(float), checked["ci_high"].astype(float) - diff])
        colors = ["#c44e52" if f else "#4c72b0" for f in checked["flagged"]]
        for i, color in enumerate(colors):
            ax.errorbar(diff[i], y[i], xerr=err[:, i:i + 1], fmt="o", color=color, capsize=4)
        ax.set_yticks(y, checked.index)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title("Acceptance: label's product minus alternative (CI)")
    save(fig, "label_check")

    fig, ax = plt.subplots(figsize=(9, 3.5))
    if len(daily):
        per_day = daily.groupby("day")[["conversations", "questionnaire_started", "questionnaire_completed",
                                        "recommendations_shown"]].sum()
        per_day.plot(ax=ax, marker="o")
    ax.set_title("Assistant funnel per day")
    save(fig, "funnel")
    return charts


def _table(frame: pd.DataFrame, index: bool = True) -> str:
    table: str = frame.to_html(index=index, float_format=lambda v: f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}",
                               border=0, classes="t", escape=True)
    return table


def _html(today: dt.date, n: int, profiles: pd.DataFrame, agreement: float, stability: float,
          stages: pd.DataFrame, campaigns: pd.DataFrame, checked: pd.DataFrame, label_source: str,
          label_customers: int, daily: pd.DataFrame, drops: pd.DataFrame, topics: pd.DataFrame,
          charts: dict[str, Path]) -> str:
    def img(name: str) -> str:
        return f'<img src="{html.escape(charts[name].name)}" alt="{name} chart">'

    if label_source == "simulated":
        label_note = ("SIMULATED: a synthetic experiment on this book, not what customers did, so this section "
                      "shows how the check reads")
    elif label_customers:
        label_note = (f"from the assistant's recorded offer events: {label_customers:,} customers and arms shown "
                      "a label-check product in the chat")
    else:
        label_note = "from the assistant's recorded offer events: none recorded yet, so nothing to compare"
    flagged = [str(p) for p in checked.index[checked["flagged"].astype(bool)]] if len(checked) else []
    funnel_html = (_table(daily, index=False) + "<h3>Questionnaire drop-off by last question</h3>"
                   + _table(drops, index=False) + "<h3>Classroom topics</h3>" + _table(topics, index=False)
                   if len(daily) else "<p>No conversation events were given (--events or --tracker-url).</p>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customer analytics {today}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table.t{{border-collapse:collapse;font-size:13px;margin:.5em 0}}
table.t td,table.t th{{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}}
img{{max-width:100%}} .note{{color:#555;font-size:13px}}</style></head><body>
<h1>Customer analytics - {today}</h1>
<p class="note">{n:,} customers. Pseudonymous ids only: no names, no message text. Synthetic demo data unless
the book came from the bank's database. Every list stays within each customer's valid risk level.</p>
<h2>Look-alike segments</h2>{img("segments")}
<p>KMeans on scaled behaviour; each segment explained by a depth-3 decision tree whose rules reproduce
{agreement:.1%} of the segment labels. Agreement across seeds (mean adjusted Rand index): {stability:.2f}.</p>
{_table(profiles)}
<h2>Lifecycle</h2>{img("lifecycle")}{_table(stages)}
<h2>Campaigns</h2>{img("campaigns")}{_table(campaigns)}
<h2>Persona label check</h2><p class="note">{html.escape(label_note)}.
Flagged (behaviour contradicts the label): {html.escape(", ".join(flagged) or "none")}.</p>
{img("label_check")}{_table(checked)}
<h2>Assistant funnel</h2>{img("funnel")}{funnel_html}
<p class="note">Files: see CONTENTS.md.</p></body></html>
"""


_DESCRIPTIONS = {
    "index.html": "this report",
    "CONTENTS.md": "this list",
    "customers.csv": "per customer: pseudonymous id, lifecycle stage, segment, lifetime value estimate, next best "
                     "action and the product it offers (within the customer's valid level)",
    "campaign_sizes.csv": "per campaign: customers meeting the rule, and those listed (within level, not holding it)",
    "lifecycle_stages.csv": "per lifecycle stage: customers, share, total and median lifetime value",
    "segments.csv": "per segment: size, value, typical products, behaviour medians and the tree's rules",
    "label_check.csv": "per persona label: customers and acceptance per arm, difference, interval, verdict",
    "label_check_customers.csv": "the label check's input: per customer and arm, pseudonymous id, persona label, "
                                 "arm, product shown, whether they clicked and accepted it",
    "funnel_daily.csv": "per day and channel: conversations, questionnaire starts/completions, classroom "
                        "questions, fallbacks, handoffs, recommendations and offers shown/clicked/accepted",
    "funnel_dropoff.csv": "per day and channel: unfinished questionnaires by the last question asked",
    "funnel_topics.csv": "per day and channel: classroom questions by topic",
}


def _contents(files: list[Path], label_source: str) -> str:
    lines = ["# What these files contain", "",
             "Pseudonymous customer ids only: no names, no contact details, no message text. Conversation ids are",
             "hashed; conversation events older than the transcript retention were not read.",
             f"The persona label check is {label_source}.", ""]
    for path in [Path("index.html"), Path("CONTENTS.md"), *files]:
        name = path.name
        if name.startswith("cross_sell_"):
            text = (f"customers listed for the {name[len('cross_sell_'):-4]} campaign: id, product offered and the "
                    "fields that made them eligible")
        elif name.endswith(".png"):
            text = "chart shown in index.html"
        else:
            text = _DESCRIPTIONS.get(name, "")
        lines.append(f"- `{name}`: {text}")
    return "\n".join(dict.fromkeys(lines)) + "\n"

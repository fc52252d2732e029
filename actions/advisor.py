"""The advisor assistant. Every action here answers only a verified advisor token."""

from __future__ import annotations

import abc
from decimal import Decimal
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, identify, texts_for
from actions.wiring import Services
from advisor_core.analytics.segments import RuleWords, SegmentRule, rule_text
from advisor_core.domain.texts import Texts, default_texts
from advisor_core.errors import CustomerNotFound, UnknownProductError
from advisor_core.services.advisor import (
    advisor_campaigns,
    campaign_list,
    customer_insight_for,
    customer_summary,
    explain_for_customer,
    export_style,
)
from advisor_core.services.handoffs import open_tickets
from advisor_core.settings import load_settings


def __getattr__(name: str) -> str:
    """``REFUSAL``: the English refusal (texts ``advisor.refusal``), read on first use."""
    if name == "REFUSAL":
        return default_texts().render("advisor.refusal")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def export_dir(svc: Services) -> Path:
    return (svc.settings or load_settings()).export_dir


class AdvisorOnlyAction(AdvisorAction, abc.ABC):
    """Refuses anyone but a verified advisor, revealing nothing about the request."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        if not identify(tracker).is_advisor:
            dispatcher.utter_message(text=texts.render("advisor.refusal"))
            return []
        return await self.act_as_advisor(dispatcher, tracker, svc, texts)

    @abc.abstractmethod
    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                             texts: Texts) -> Events:
        """The advisor's answer, in the conversation's language."""


def _customer_ref(tracker: Tracker, dispatcher: CollectingDispatcher, texts: Texts) -> str | None:
    ref = tracker.get_slot("customer_ref")
    if not ref:
        dispatcher.utter_message(text=texts.render("advisor.which_customer"))
    return ref


class AdvisorCustomerSummary(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_customer_summary"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                             texts: Texts) -> Events:
        ref = _customer_ref(tracker, dispatcher, texts)
        if not ref:
            return []
        try:
            s = await blocking(customer_summary, svc.uow_factory(), customer_id=ref, now=svc.clock())
        except CustomerNotFound:
            dispatcher.utter_message(text=texts.render("advisor.no_customer", customer=ref))
            return [SlotSet("customer_ref", None)]
        c = s.customer
        separator = texts.render("advisor.separator")
        lines = [texts.render("advisor.customer", customer=c.customer_id, age=c.age_on(svc.clock().date()))]
        if s.assessment:
            r = s.assessment.record
            state = (texts.render("advisor.assessment_valid") if s.assessment.valid else
                     texts.render("advisor.assessment_invalid", reason=s.assessment.validity.reason_in(texts)))
            lines.append(texts.render("advisor.level", level=r.level, score=r.total_score,
                                      date=f"{r.created_at:%Y-%m-%d}", state=state))
            if r.caps:
                caps = separator.join(texts.render("advisor.cap", code=cap.code, level=cap.level) for cap in r.caps)
                lines.append(texts.render("advisor.caps", caps=caps))
            goals = r.answers.get("kyc_goals")  # a list of goal ids, stored as answered
            named = (texts.join(str(g) for g in goals) if isinstance(goals, (list, tuple)) and goals
                     else texts.render("advisor.no_goals"))
            lines.append(texts.render("advisor.goals", goals=named))
        else:
            lines.append(texts.render("advisor.no_assessment"))
        lines.append(texts.render("advisor.balances", demand=texts.money(c.demand_balance),
                                  investable=texts.money(c.investable_assets), total=texts.money(c.total_assets)))
        holdings = texts.join(texts.render("advisor.holding", product=h.product_id, amount=texts.money(h.amount))
                              for h in c.holdings) or texts.render("advisor.no_holdings")
        lines.append(texts.render("advisor.holdings", holdings=holdings))
        if s.last_recommendation:
            rec = s.last_recommendation
            lines.append(texts.render("advisor.last_recommendations", date=f"{rec.created_at:%Y-%m-%d}",
                                      level=rec.level))
            # the reasons as they were recorded, in the language the customer was shown them in
            lines += [texts.render("advisor.recommended_item", product=i.product_id, rating=i.risk_rating,
                                   reasons=texts.sentences(*i.reasons[:2])) for i in rec.items]
        insight = await blocking(customer_insight_for, svc.uow_factory(), svc.catalog, customer_id=ref,
                                 today=svc.clock().date())
        if insight is not None:
            offer = (texts.render("advisor.lifecycle_offer", product=insight.offer_product)
                     if insight.offer_product else "")
            value = texts.money(Decimal(round(insight.lifetime_value)))
            lines.append(texts.render("advisor.lifecycle", stage=texts.render(f"stage.{insight.stage}"), value=value,
                                      action=texts.render(f"next_action.{insight.next_best_action}"), offer=offer))
            rules = (separator.join(segment_rule_words(rule, texts) for rule in insight.segment_rules)
                     or texts.render("advisor.segment_no_rule"))
            lines.append(texts.render("advisor.segment", segment=insight.segment, rules=rules))
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet("customer_ref", None)]


class AdvisorExplainRecommendation(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_explain_recommendation"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                             texts: Texts) -> Events:
        ref = _customer_ref(tracker, dispatcher, texts)
        product_id = tracker.get_slot("product")
        if not ref:
            return []
        if not product_id:
            dispatcher.utter_message(text=texts.render("advisor.which_product"))
            return []
        try:
            suitable, reasons = await blocking(explain_for_customer, svc.uow_factory(), svc.catalog,
                                               customer_id=ref, product_id=product_id, now=svc.clock(), texts=texts)
        except CustomerNotFound:
            dispatcher.utter_message(text=texts.render("advisor.no_customer", customer=ref))
            return [SlotSet("customer_ref", None), SlotSet("product", None)]
        except UnknownProductError:
            dispatcher.utter_message(text=texts.render("advisor.no_product", product=product_id))
            return [SlotSet("product", None)]
        dispatcher.utter_message(text=texts.render("advisor.suitable" if suitable else "advisor.not_suitable",
                                                   product=product_id, customer=ref,
                                                   reasons=texts.sentences(*reasons)))
        return [SlotSet("customer_ref", None), SlotSet("product", None)]


def segment_rule_words(rule: SegmentRule, texts: Texts) -> str:
    """A look-alike segment's rule in the advisor's language ("月转账笔数高于3.5且存款不超过5万元")."""
    return rule_text(rule, RuleWords(
        feature=lambda f: texts.render(f"feature.{f}"),
        above=lambda f, v: texts.render("advisor.rule_above", feature=f, value=v),
        at_most=lambda f, v: texts.render("advisor.rule_at_most", feature=f, value=v),
        joiner=texts.render("advisor.rule_and"), everyone=texts.render("advisor.rule_everyone"),
        money=lambda v: texts.money(Decimal(round(v)))))


class AdvisorCampaignList(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_campaign_list"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                             texts: Texts) -> Events:
        campaign = tracker.get_slot("campaign")
        names = {name: texts.render(f"campaign.{name}") for name in advisor_campaigns()}
        separator = texts.render("advisor.separator")
        if campaign not in names:
            # The slot holds whatever the NLU took for a campaign: never echoed back.
            opening = texts.render("advisor.which_campaign" if not campaign else "advisor.unknown_campaign")
            dispatcher.utter_message(text=texts.render("advisor.campaigns_offered", opening=opening,
                                                       names=separator.join(names.values())))
            return [SlotSet("campaign", None)]
        result = await blocking(campaign_list, svc.uow_factory(), campaign=campaign, today=svc.clock().date(),
                                export_dir=export_dir(svc), catalog=svc.catalog, style=export_style(texts))
        counts = separator.join(texts.render("advisor.campaign_count", name=names[name], count=n)
                                for name, n in result.counts.items())
        dispatcher.utter_message(text=texts.render("advisor.campaign_result", eligible=result.eligible,
                                                   name=names[campaign], counts=counts, path=result.export_path))
        return [SlotSet("campaign", None)]


class AdvisorHandoffList(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_handoff_list"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                             texts: Texts) -> Events:
        tickets = await blocking(open_tickets, svc.uow_factory())
        if not tickets:
            dispatcher.utter_message(text=texts.render("advisor.no_tickets"))
            return []
        lines = [texts.render("advisor.tickets_heading", count=len(tickets))]
        lines += [texts.render("advisor.ticket", ticket=t.ticket_id, created=f"{t.created_at:%Y-%m-%d %H:%M}",
                               customer=t.customer_id or texts.render("advisor.guest"), summary=t.summary)
                  for t in tickets[:20]]
        dispatcher.utter_message(text="\n".join(lines))
        return []

"""The advisor assistant. Every action here answers only a verified advisor token."""

from __future__ import annotations

import abc
from decimal import Decimal
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, identify
from actions.wiring import Services
from advisor_core.errors import CustomerNotFound, UnknownProductError
from advisor_core.services.advisor import (
    advisor_campaigns,
    campaign_list,
    customer_insight_for,
    customer_summary,
    explain_for_customer,
)
from advisor_core.services.handoffs import open_tickets
from advisor_core.services.recommendations import money
from advisor_core.settings import load_settings

REFUSAL = "Sorry, that's only available to the bank's advisors."


def export_dir(svc: Services) -> Path:
    return (svc.settings or load_settings()).export_dir


class AdvisorOnlyAction(AdvisorAction, abc.ABC):
    """Refuses anyone but a verified advisor, revealing nothing about the request."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        if not identify(tracker).is_advisor:
            dispatcher.utter_message(text=REFUSAL)
            return []
        return await self.act_as_advisor(dispatcher, tracker, domain, svc)

    @abc.abstractmethod
    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                             svc: Services) -> Events:
        """The advisor's answer."""


def _customer_ref(tracker: Tracker, dispatcher: CollectingDispatcher) -> str | None:
    ref = tracker.get_slot("customer_ref")
    if not ref:
        dispatcher.utter_message(text="Which customer? Give the id, for example C000123.")
    return ref


class AdvisorCustomerSummary(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_customer_summary"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                             svc: Services) -> Events:
        ref = _customer_ref(tracker, dispatcher)
        if not ref:
            return []
        try:
            s = await blocking(customer_summary, svc.uow_factory(), customer_id=ref, now=svc.clock())
        except CustomerNotFound:
            dispatcher.utter_message(text=f"No customer {ref} in the book.")
            return [SlotSet("customer_ref", None)]
        c = s.customer
        lines = [f"Customer {c.customer_id}, age {c.age_on(svc.clock().date())}."]
        if s.assessment:
            r = s.assessment.record
            state = "valid" if s.assessment.valid else f"not valid: {s.assessment.validity.reason}"
            lines.append(f"Level {r.level} (score {r.total_score}), assessed {r.created_at:%Y-%m-%d}, {state}.")
            if r.caps:
                lines.append("Caps: " + "; ".join(f"{cap.code} -> {cap.level}" for cap in r.caps) + ".")
            goals = r.answers.get("kyc_goals")  # a list of goal ids, stored as answered
            named = ", ".join(str(g) for g in goals) if isinstance(goals, (list, tuple)) and goals else "none given"
            lines.append(f"Goals: {named}.")
        else:
            lines.append("No risk assessment on record.")
        lines.append(f"Balances: demand {money(c.demand_balance)}, investable {money(c.investable_assets)}, "
                     f"total {money(c.total_assets)}.")
        holdings = ", ".join(f"{h.product_id} {money(h.amount)}" for h in c.holdings) or "none"
        lines.append(f"Holdings: {holdings}.")
        if s.last_recommendation:
            rec = s.last_recommendation
            lines.append(f"Last recommendations ({rec.created_at:%Y-%m-%d}, level {rec.level}):")
            lines += [f"- {i.product_id} ({i.risk_rating}): {' '.join(i.reasons[:2])}" for i in rec.items]
        insight = await blocking(customer_insight_for, svc.uow_factory(), svc.catalog, customer_id=ref,
                                 today=svc.clock().date())
        if insight is not None:
            offer = f" ({insight.offer_product})" if insight.offer_product else ""
            value = money(Decimal(round(insight.lifetime_value)))
            lines.append(f"Lifecycle stage: {insight.stage}, estimated lifetime value {value}; "
                         f"next best action: {insight.next_best_action}{offer}.")
            rules = "; ".join(insight.segment_rules) or "no single rule describes it"
            lines.append(f"Look-alike segment {insight.segment}: {rules}.")
        dispatcher.utter_message(text="\n".join(lines))
        return [SlotSet("customer_ref", None)]


class AdvisorExplainRecommendation(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_explain_recommendation"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                             svc: Services) -> Events:
        ref = _customer_ref(tracker, dispatcher)
        product_id = tracker.get_slot("product")
        if not ref:
            return []
        if not product_id:
            dispatcher.utter_message(text="Which product? For example: why was index_fund suitable for C000123.")
            return []
        try:
            suitable, reasons = await blocking(explain_for_customer, svc.uow_factory(), svc.catalog,
                                               customer_id=ref, product_id=product_id, now=svc.clock())
        except CustomerNotFound:
            dispatcher.utter_message(text=f"No customer {ref} in the book.")
            return [SlotSet("customer_ref", None), SlotSet("product", None)]
        except UnknownProductError:
            dispatcher.utter_message(text=f"No product {product_id} in the catalog.")
            return [SlotSet("product", None)]
        verdict = "is suitable" if suitable else "is not suitable"
        dispatcher.utter_message(text=f"{product_id} {verdict} for {ref}. " + " ".join(reasons))
        return [SlotSet("customer_ref", None), SlotSet("product", None)]


class AdvisorCampaignList(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_campaign_list"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                             svc: Services) -> Events:
        campaign = tracker.get_slot("campaign")
        names = advisor_campaigns()
        if campaign not in names:
            # The slot holds whatever the NLU took for a campaign: never echoed back.
            opening = "Which campaign?" if not campaign else "I don't have a campaign by that name."
            dispatcher.utter_message(text=f"{opening} I can list customers for: " + "; ".join(names.values()) + ".")
            return [SlotSet("campaign", None)]
        result = await blocking(campaign_list, svc.uow_factory(), campaign=campaign, today=svc.clock().date(),
                                export_dir=export_dir(svc), catalog=svc.catalog)
        counts = "; ".join(f"{names[name]}: {n}" for name, n in result.counts.items())
        dispatcher.utter_message(text=(f"{result.eligible} customers fit {result.name}. All campaigns: {counts}. "
                                       "CSV export (pseudonymous ids and the qualifying fields only): "
                                       f"{result.export_path}"))
        return [SlotSet("campaign", None)]


class AdvisorHandoffList(AdvisorOnlyAction):
    def name(self) -> str:
        return "action_advisor_handoff_list"

    async def act_as_advisor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                             svc: Services) -> Events:
        tickets = await blocking(open_tickets, svc.uow_factory())
        if not tickets:
            dispatcher.utter_message(text="No open handoff tickets.")
            return []
        lines = [f"{len(tickets)} open handoff tickets (oldest first):"]
        lines += [f"- {t.ticket_id} {t.created_at:%Y-%m-%d %H:%M} customer {t.customer_id or 'guest'}: {t.summary}"
                  for t in tickets[:20]]
        dispatcher.utter_message(text="\n".join(lines))
        return []

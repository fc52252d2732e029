"""Questionnaire answers as the end-to-end tests send them: button payloads and a typed age."""

from __future__ import annotations

import json
from typing import Any

from advisor_core.adapters.datafiles import default_questionnaire

Q = default_questionnaire()
ORDER = list(Q.slots)
# A balanced customer: no cap fires, no contradiction (no loss-tolerance recheck question).
BALANCED: dict[str, Any] = {
    "kyc_income_source": "one_stable_wage", "kyc_investable_assets": "100k_500k", "kyc_asset_share": "30_50",
    "kyc_liquidity_reserve": "3_6m_mortgage_only", "kyc_age": 45, "kyc_experience": "fixed_income",
    "kyc_trade_frequency": "1_5", "kyc_knowledge_bonds": "falls", "kyc_knowledge_diversification": "one_stock",
    "kyc_horizon": "3_5y", "kyc_objective": "income", "kyc_loss_tolerance": "le_15",
    "kyc_drawdown_reaction": "hold", "kyc_return_tradeoff": "half", "kyc_goals": "retirement",
}


def button(option: str) -> str:
    """The payload of the option's button."""
    return "/inform" + json.dumps({"option": option})


def message_for(slot: str, value: Any) -> str:
    """The age typed as a sentence, every other answer as its button."""
    return f"I'm {value}" if slot == "kyc_age" else button(str(value))

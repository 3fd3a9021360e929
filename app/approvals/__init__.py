"""The one board-approval engine: budgets, contracts and fines decide here (registered kinds)."""

"""The one board-approval engine: budgets, contracts, fines and minutes all decide here."""

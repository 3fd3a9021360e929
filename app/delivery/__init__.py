"""One way to reach a person: portal, e-mail and paper, with a record per recipient and
method (California Civil Code 4040–4050: delivery is complete at transmission)."""

"""The board packet: what the board reads before a meeting, assembled from live data.

``sections`` gathers each part as plain values (budget vs actual, compliance, expiring
insurance and contracts, pending approvals), ``evidence`` what each decision on the agenda
rests on, ``charts`` draws the pictures as SVG, and ``render.build_packet`` puts them in one
PDF through the one renderer (app.core.pdf). Meetings call it from their packet job; the
packet imports no meeting code, so it stays below that package.
"""

"""Meetings: board and members' meetings, their agenda, attendance, motions and votes; the
board's decisions where the law puts them at a meeting (the ``meeting`` venue)."""

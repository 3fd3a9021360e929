"""The owner's home: one page, in plain words, built from sections that features register.

A feature adds its part with ``@section(name, order=…)``: a function of (user, association)
returning a ``Section`` (or None when it has nothing to say). The page shows, in order, the
sections it knows by name, each with its own empty state when no feature fills it yet
(meetings: "No meetings are scheduled"), so a later package (meetings, minutes) plugs in
without touching this one.
"""

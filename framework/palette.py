"""Theme colours that stay distinct for colour-blind researchers.

Coding stripes, highlights and matrix columns tell themes apart by colour alone, and
about one man in twelve has a red-green colour vision deficiency. New themes therefore
take their colours from qualitative palettes designed to stay distinguishable under
protanopia, deuteranopia and tritanopia, in this order:

* Okabe & Ito, "Color Universal Design (CUD): how to make figures and presentations
  that are friendly to colorblind people" (2002/2008), https://jfly.uni-koeln.de/color/
  — orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple; their
  black is replaced by grey (#999999), as in Winston Chang's widely used variant
  (Cookbook for R, "Colors (ggplot2)"), because a black highlight hides the text.
* Paul Tol, "Colour schemes" (SRON technical note SRON/EPS/TN/09-002, 2021),
  https://personal.sron.nl/~pault/ — the "muted" set, then the "light" set, each
  without its pale grey "bad data" colour.

The first eight are the colours of the neighbourhood-policing template's top-level
themes. Sub-themes share their parent's hue; the GUI derives light tints itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Theme

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
TOL_LIGHT = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")

#: Every palette colour, in the order new top-level themes receive them.
PALETTE: tuple[str, ...] = OKABE_ITO + TOL_MUTED + TOL_LIGHT


def next_colour(used: Iterable[str]) -> str:
    """The first palette colour nobody uses yet; once all are taken, the one used least
    (earliest in the palette on a tie), so colours repeat as rarely as possible."""
    counts = Counter(colour.upper() for colour in used)
    return min(PALETTE, key=lambda colour: (counts[colour], PALETTE.index(colour)))


def new_theme_colour(session: Session, parent_id: int | None) -> str:
    """The colour a new theme should get: its parent's hue for a sub-theme (so a branch
    reads as one colour), else the next palette colour the top level does not use."""
    if parent_id is not None:
        parent_colour = session.scalar(select(Theme.colour).where(Theme.id == parent_id))
        if parent_colour:
            return parent_colour
    return next_colour(session.scalars(select(Theme.colour).where(Theme.parent_id.is_(None))))

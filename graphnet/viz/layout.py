"""Which way a drawing runs: left to right, or top to bottom.

Estimated before Graphviz lays anything out, from the plan's ranks (the longest
path to each box) and the boxes' sizes: a left-to-right drawing is as wide as
the sum of its ranks' widths and as tall as its tallest rank, and the other way
round for top to bottom. A drawing that fits a projector at full size runs left
to right, the way the forward pass is read; a larger one will scroll, and pages
and notebooks scroll down, so it runs in whichever direction is narrower on that
screen (a deep chain: top to bottom; a wide, shallow graph: left to right).
"""
from .plan import VarItem

SCREEN = (930, 420)   # points: a 1280x800 px window, less the step-through page's controls
RANKSEP, NODESEP = 25, 18  # points, as draw() sets them
OP_SIZE = (45, 35)


def choose_rankdir(plan, sizes, screen=SCREEN):
    """'LR' or 'TB' for ``plan``; ``sizes`` maps a value box's id to its (w, h) in points."""
    ranks = _ranks(plan)
    if not ranks:
        return "LR"
    boxes = {item.id: sizes.get(item.id, OP_SIZE) if isinstance(item, VarItem) else OP_SIZE
             for item in plan.items}
    by_rank = {}
    for item_id, r in ranks.items():
        by_rank.setdefault(r, []).append(boxes.get(item_id, OP_SIZE))
    lr = _extent(by_rank, along=0)
    tb = _extent(by_rank, along=1)
    if _fit(lr, screen) >= 1:
        return "LR"
    # Too big for the screen: it will scroll, and pages and notebooks scroll down,
    # so the direction whose width fits better wins.
    return "TB" if screen[0] / tb[0] > screen[0] / lr[0] else "LR"


def _ranks(plan):
    """Each item's rank: the number of edges on the longest path that reaches it."""
    heads = {}
    indegree = {item.id: 0 for item in plan.items}
    for edge in plan.edges:
        if edge.tail in indegree and edge.head in indegree:
            heads.setdefault(edge.tail, []).append(edge.head)
            indegree[edge.head] += 1
    rank = {i: 0 for i, d in indegree.items() if d == 0}
    ready = list(rank)
    sources = list(rank)
    while ready:  # Kahn's order: a box's rank is final once all its tails are placed
        tail = ready.pop()
        for head in heads.get(tail, ()):
            rank[head] = max(rank.get(head, 0), rank[tail] + 1)
            indegree[head] -= 1
            if indegree[head] == 0:
                ready.append(head)
    # Graphviz keeps edges short: a weight or an input sits just before its first
    # use, not with every other leaf at the start.
    for source in sources:
        uses = [rank[h] for h in heads.get(source, ()) if h in rank]
        if uses:
            rank[source] = min(uses) - 1
    return rank


def _extent(by_rank, along):
    """(width, height) with ranks laid along axis ``along`` (0: left to right)."""
    across = 1 - along
    length = sum(max(b[along] for b in boxes) for boxes in by_rank.values()) + RANKSEP * (len(by_rank) - 1)
    breadth = max(sum(b[across] for b in boxes) + NODESEP * (len(boxes) - 1) for boxes in by_rank.values())
    return (length, breadth) if along == 0 else (breadth, length)


def _fit(extent, screen):
    """The scale at which a drawing of ``extent`` fills ``screen``."""
    return min(screen[0] / max(extent[0], 1), screen[1] / max(extent[1], 1))

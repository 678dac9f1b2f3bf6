"""Which boxes and arrows a drawing has, decided before any value is written.

The plan depends only on the graph's structure and the level options, never on
values or gradients: the step-through viewer draws every frame from one plan,
so the layout stays put while the numbers change. Three things make large
graphs readable:

- composite nodes are one box, or (``expand``) a cluster of the primitive nodes
  their ``expand()`` builds;
- a long run of repeated blocks (an unrolled recurrence, a stack of layers) is
  cut down to its first and last blocks around one "… N more …" node, whenever
  the graph has more than ``max_nodes`` operations;
- a leaf feeding many nodes (a weight shared across time steps) is drawn next to
  each use instead of pulling hundreds of long edges across the picture.
"""
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..core import Graph, Node
from ..ops import Tensor

MAX_PERIOD = 64  # longest repeated block (in operations) looked for


@dataclass(eq=False)
class Level:
    """A graph whose items are drawn: the target's own, or a composite's expansion."""

    graph: Graph
    prefix: str
    parent: Optional["Level"] = None
    step: Optional[int] = None      # the parent's step that this level expands
    cluster: Optional[str] = None   # the cluster holding this level's items

    @property
    def root_step(self):
        """The target graph's step this level belongs to (None for the target itself)."""
        level = self
        while level.parent is not None and level.parent.parent is not None:
            level = level.parent
        return level.step


@dataclass(eq=False)
class VarItem:
    id: str
    level: Level
    slot: int
    is_output: bool = False
    shared_uses: int = 0  # >0: a copy of a leaf drawn at each of this many uses

    @property
    def var(self):
        return self.level.graph.variables[self.slot]


@dataclass(eq=False)
class OpItem:
    id: str
    level: Level
    step: int
    collapsed_composite: bool = False

    @property
    def node(self):
        return self.level.graph.steps[self.step][0]


@dataclass(eq=False)
class Elided:
    id: str
    blocks: int
    ops: int
    pattern: tuple


@dataclass(eq=False)
class Edge:
    tail: str
    head: str
    level: Level
    slot: int                    # the variable the edge carries (its gradient colours it)
    op: Optional[OpItem] = None  # for an edge into an op: the op ...
    position: int = 0            # ... and which of its inputs
    producer: Optional[OpItem] = None  # for an edge out of an op: the op


@dataclass
class Plan:
    items: list = field(default_factory=list)     # VarItem | OpItem | Elided, in drawing order
    edges: list = field(default_factory=list)
    clusters: dict = field(default_factory=dict)  # id -> (label, parent cluster id)
    root: Optional[Level] = None
    # (level, step) -> the Level of that step's expansion, for every expanded step
    expansions: dict = field(default_factory=dict)
    # (level, slot) -> id of the item standing for that variable: its own box, the
    # enclosing level's box for an expansion's inputs and output, or an elided region
    var_ids: dict = field(default_factory=dict)
    op_ids: dict = field(default_factory=dict)    # (level, step) -> op item id
    copies: dict = field(default_factory=dict)    # shared leaf id -> the ids of its copies
    # expansion Level -> {its slot: the enclosing level's slot it stands for}: the
    # expansion's inputs and output are drawn as the enclosing graph's boxes
    bindings: dict = field(default_factory=dict)
    # expansion Level -> its slot for each input of the composite, in order (None:
    # an input the expansion does not use)
    inputs: dict = field(default_factory=dict)

    def cluster_of(self, item):
        return item.level.cluster if isinstance(item, (VarItem, OpItem)) else None

    def op_item(self, step, level=None):
        """The op item of ``step`` (of the target's graph by default), or None
        when it is not drawn as one (expanded, or elided)."""
        item_id = self.op_ids.get((level or self.root, step))
        return next((item for item in self.items if item.id == item_id), None) if item_id else None

    def ids_of(self, level, slot):
        """The ids of the boxes that show ``slot`` of ``level`` (a shared leaf has several)."""
        item_id = self.var_ids.get((level, slot))
        if item_id is None:
            return []
        return self.copies.get(item_id, [item_id])

    @property
    def levels(self):
        """Every level drawn, the target's first, each before its expansions."""
        return [self.root] + list(self.expansions.values())


def make_plan(view, expand=False, max_nodes=None, max_fanout=8, keep=None):
    plan = Plan(root=Level(view.graph, ""))
    regions = _repeated_regions(view.graph, max_nodes, keep) if max_nodes else []
    _plan_level(plan, plan.root, view.values, regions, expand, 0)
    if max_fanout:
        _split_shared_leaves(plan, max_fanout)
    return plan


# --- one graph level --------------------------------------------------------
def _plan_level(plan, level, values, regions, expand, depth, bound=None):
    """Add ``level``'s items and edges to ``plan``.

    ``bound`` maps a slot of this level to an item id drawn elsewhere: an
    expansion's inputs and output are the enclosing graph's variables.
    """
    graph, prefix = level.graph, level.prefix
    bound = bound or {}
    rep = {}  # slot -> the item id standing for it (its own, or its elided region's)
    region_of = {k: r for r in regions for k in r.steps}
    producer = {out: k for k, (_, _, out) in enumerate(graph.steps)}
    consumers = _consumers(graph)
    outputs = set(graph.outputs)

    def drawn_var(slot):
        k = producer.get(slot)
        if k is not None:
            return k not in region_of or slot in outputs
        return any(c not in region_of for c in consumers[slot]) or slot in outputs

    items = {}  # slot -> its VarItem, appended when first needed: reading order
    for slot in range(len(graph)):
        if slot in bound:
            rep[slot] = bound[slot]
        elif drawn_var(slot):
            items[slot] = VarItem(f"{prefix}v{slot}", level, slot,
                                  is_output=slot in outputs and level.parent is None)
            rep[slot] = items[slot].id
        elif slot in producer:
            rep[slot] = region_of[producer[slot]].id
        # else: a leaf that only elided steps use; it disappears with them
        plan.var_ids[(level, slot)] = rep.get(slot)

    def place(slot):
        item = items.pop(slot, None)
        if item is not None:
            plan.items.append(item)

    region_ids = {r.id for r in regions}
    linked = set()

    def link(tail, head, slot, op=None, position=0, producer=None):
        if tail is None or tail == head:
            return
        if tail in region_ids or head in region_ids:  # a region joins each neighbour once
            if (tail, head) in linked:
                return
            linked.add((tail, head))
        plan.edges.append(Edge(tail, head, level, slot, op, position, producer))

    for slot in list(items):  # leaves nothing uses (a lone output, say) come first
        if not consumers[slot] and slot not in producer:
            place(slot)
    for k, (node, ins, out) in enumerate(graph.steps):
        for j in ins:  # leaves appear where they are first used: x, y before z
            place(j)
        region = region_of.get(k)
        if region is not None:
            if region.id not in linked:
                linked.add(region.id)
                plan.items.append(Elided(region.id, region.blocks, len(region.steps), region.pattern))
            for j in ins:
                link(rep.get(j), region.id, j)
            link(region.id, rep.get(out), out)
            place(out)
            continue
        inner = _expansion(plan, level, k, values, expand, depth)
        if inner is not None:
            wrappers, sub = inner
            plan.expansions[(level, k)] = sub
            sub_bound = {sub.graph.slot(w): rep[ins[p]] for p, w in enumerate(wrappers)
                         if _holds(sub.graph, w)}
            sub_bound[sub.graph.outputs[0]] = rep[out]
            plan.inputs[sub] = [sub.graph.slot(w) if _holds(sub.graph, w) else None for w in wrappers]
            plan.bindings[sub] = {j: ins[p] for p, j in enumerate(plan.inputs[sub]) if j is not None}
            plan.bindings[sub][sub.graph.outputs[0]] = out
            _plan_level(plan, sub, sub.graph.values, [], expand, depth + 1, sub_bound)
        else:
            op = OpItem(f"{prefix}op{out}", level, k, collapsed_composite=is_composite(node))
            plan.items.append(op)
            plan.op_ids[(level, k)] = op.id
            for position, j in enumerate(ins):
                link(rep.get(j), op.id, j, op, position)
            link(op.id, rep[out], out, producer=op)
        place(out)


def _holds(graph, var):
    try:
        graph.slot(var)
        return True
    except KeyError:
        return False


def _consumers(graph):
    uses = [[] for _ in range(len(graph))]
    for k, (_, ins, _) in enumerate(graph.steps):
        for j in ins:
            uses[j].append(k)
    return uses


# --- composite nodes --------------------------------------------------------
def is_composite(node):
    """A node whose class overrides ``expand``: it stands for a subgraph."""
    return type(node).expand is not Node.expand


def wants_expansion(node, expand, depth):
    if not expand or not is_composite(node):
        return False
    if expand is True:
        return True
    if isinstance(expand, int):
        return depth < expand
    names = {expand} if isinstance(expand, str) else set(expand)
    # A node answers to its own name, its op (either case) and its layer's name.
    return bool(names & {node.name, node.op, node.op.lower(), node.layer_name()})


def _expansion(plan, level, k, values, expand, depth):
    """The Level of step ``k``'s expansion, built by calling ``node.expand`` on
    stand-ins holding the step's input values; None when it is not expanded."""
    node, ins, out = level.graph.steps[k]
    if not wants_expansion(node, expand, depth):
        return None
    if any(values[j] is None for j in ins):
        return None  # a schematic without values: nothing to expand with
    wrappers = [Tensor(values[j], name=level.graph.variables[j].label, dtype=np.result_type(values[j]))
                for j in ins]
    result = node.expand(*wrappers)
    if result is None or any(result is w for w in wrappers):
        return None
    cluster = f"cluster_{level.prefix}{k}"
    plan.clusters[cluster] = (f"{node.label} '{node.layer_name() or node.name}'", level.cluster)
    return wrappers, Level(Graph(result), f"{level.prefix}c{k}.", level, k, cluster)


# --- collapsing repeated blocks ---------------------------------------------
@dataclass
class _Region:
    id: str
    steps: range
    blocks: int
    pattern: tuple


def _repeated_regions(graph, max_nodes, keep=None):
    """Regions of repeated blocks to elide until at most ``max_nodes`` steps remain."""
    signatures = [(node.op, node.describe(), len(ins)) for node, ins, _ in graph.steps]
    regions = []
    remaining = len(signatures)
    while remaining > max_nodes:
        found = _longest_repeat(signatures, max_nodes, remaining, keep)
        if found is None:
            break
        start, period, blocks, kept = found
        first = start + kept * period
        hidden_blocks = blocks - 2 * kept
        steps = range(first, first + hidden_blocks * period)
        pattern = tuple(signatures[start + i][0] for i in range(period))
        regions.append(_Region(f"more{len(regions)}", steps, hidden_blocks, pattern))
        for k in steps:
            signatures[k] = ("elided", k)  # unique: no later search runs through it
        remaining -= len(steps)
    return regions


def _longest_repeat(signatures, max_nodes, remaining, keep):
    """(start, period, blocks, blocks kept at each end) of the longest run of
    repeated blocks, or None. The shortest period wins a tie: (Mul, Add, Tanh)
    x 20 rather than (Mul, Add, Tanh, Mul, Add, Tanh) x 10."""
    n, best, best_length = len(signatures), None, 0
    for period in range(1, min(MAX_PERIOD, n // 2) + 1):
        i = 0
        while i + period < n:
            if signatures[i] != signatures[i + period] or signatures[i][0] == "elided":
                i += 1
                continue
            j = i
            while j + period < n and signatures[j] == signatures[j + period]:
                j += 1
            blocks = (j - i) // period + 1
            if blocks * period > best_length:
                kept = keep if keep is not None else _blocks_to_keep(blocks, period, max_nodes, remaining)
                if blocks - 2 * kept >= 2:
                    best, best_length = (i, period, blocks, kept), blocks * period
            i = j + 1
    return best


def _blocks_to_keep(blocks, period, max_nodes, remaining):
    """As many blocks at each end as the budget allows, at least one, so the
    picture shows how the repetition starts and how it ends."""
    others = remaining - blocks * period
    fit = (max_nodes - others) // (2 * period)
    return max(1, min(fit, (blocks - 2) // 2))


# --- shared leaves ------------------------------------------------------------
def _split_shared_leaves(plan, max_fanout):
    """A leaf with more than ``max_fanout`` outgoing edges gets one copy per edge."""
    leaves = {item.id: item for item in plan.items
              if isinstance(item, VarItem) and item.var.node is None and item.level.parent is None}
    uses = {}
    for edge in plan.edges:
        if edge.tail in leaves:
            uses.setdefault(edge.tail, []).append(edge)
    for leaf_id, edges in uses.items():
        if len(edges) <= max_fanout:
            continue
        leaf = leaves[leaf_id]
        at = plan.items.index(leaf)
        copies = []
        for n, edge in enumerate(edges):
            copy = VarItem(f"{leaf_id}_{n}", leaf.level, leaf.slot, leaf.is_output, len(edges))
            edge.tail = copy.id
            copies.append(copy)
        plan.items[at:at + 1] = copies
        plan.copies[leaf_id] = [c.id for c in copies]


# --- the neighbourhood of a step ------------------------------------------------
def neighbourhood(plan, centre, hops=1):
    """The part of ``plan`` within ``hops`` operations of the boxes ``centre``: for
    one op and ``hops=1``, the op, the boxes it reads and the box it writes; each
    further hop adds the ops next to those and their boxes."""
    ops = {item.id for item in plan.items if isinstance(item, OpItem)}
    around = {}
    for edge in plan.edges:
        around.setdefault(edge.tail, set()).add(edge.head)
        around.setdefault(edge.head, set()).add(edge.tail)
    # Edges alternate box, op, box: from an op, one operation away is two edges.
    reach = 2 * hops - 1 if centre & ops else 2 * hops
    kept, frontier = set(centre), set(centre)
    for _ in range(reach):
        frontier = {n for i in frontier for n in around.get(i, ())} - kept
        kept |= frontier
    part = Plan(root=plan.root, expansions=plan.expansions, var_ids=plan.var_ids,
                op_ids=plan.op_ids, copies=plan.copies, bindings=plan.bindings, inputs=plan.inputs)
    part.items = [item for item in plan.items if item.id in kept]
    part.edges = [e for e in plan.edges if e.tail in kept and e.head in kept]
    used = {part.cluster_of(item) for item in part.items} - {None}
    for cluster in list(used):  # a cluster needs its enclosing clusters
        while cluster is not None:
            used.add(cluster)
            cluster = plan.clusters[cluster][1]
    part.clusters = {c: v for c, v in plan.clusters.items() if c in used}
    return part

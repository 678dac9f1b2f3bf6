"""Q-learning on the course's six-state maze, as a table and as a graph.

The maze: five rooms (states 0-4) and the outside (state 5, the goal). An agent
in state s may move to state a wherever ``R[s, a] >= 0`` (-1 means no door);
moving into the goal earns 100, every other move 0. An *action* is the state
moved to, so the next state is the action itself.

``Q[s, a]`` estimates the discounted reward of taking action a in state s and
acting greedily afterwards. The course's update, after each random move::

    Q[s, a] = R[s, a] + gamma · max_a' Q[a, a']          (gamma = 0.8)

**The same update as a graph.** Call the right-hand side the temporal-difference
(TD) *target* and write the squared TD error as a loss::

    L(Q) = 0.5 · (target - Q[s, a])²

with the target held fixed: it is computed from a frozen copy of Q (a constant
leaf, the "target network" of deep Q-learning), so no gradient flows through it.
Then dL/dQ is zero except dL/dQ[s, a] = -(target - Q[s, a]), and one gradient
step with learning rate 1 gives Q[s, a] - (-(target - Q[s, a])) = target: the
tabular update. With a learning rate alpha < 1 it is the general Q-learning rule
Q[s, a] += alpha · (target - Q[s, a]). Let the gradient flow through the target
too and the step is no longer the Bellman update (the "residual gradient"
method): the stop-gradient is what makes it Q-learning.

>>> agent = QLearning()                       # the course's maze, gamma 0.8
>>> agent.train(episodes=500, method="graph") # or method="table"
>>> agent.greedy_path(2)                      # [2, 3, 1, 5] (or [2, 3, 4, 5])
>>> agent.normalized()                        # Q / max(Q) * 100
"""
import numpy as np

from ..core import Graph
from ..ops.tensor import constant, parameter

#: The course's reward matrix: R[s, a] for moving from state s to state a; -1: no door.
MAZE_R = np.array([[-1, -1, -1, -1, 0, -1],
                   [-1, -1, -1, 0, -1, 100],
                   [-1, -1, -1, 0, -1, -1],
                   [-1, 0, 0, -1, 0, -1],
                   [0, -1, -1, 0, -1, 100],
                   [-1, 0, -1, -1, 0, 100]], dtype=np.float64)
MAZE_GOAL = 5
MAZE_GAMMA = 0.8


class QLearning:
    """A tabular Q-learner whose table ``Q`` is a graph parameter (float64).

    ``R``: rewards (``R[s, a] < 0`` marks a missing link); ``goal``: the state that
    ends an episode; ``gamma``: the discount; ``seed``: the random exploration.
    """

    def __init__(self, R=MAZE_R, goal=MAZE_GOAL, gamma=MAZE_GAMMA, seed=0):
        R = np.array(R, dtype=np.float64)
        if R.ndim != 2 or R.shape[0] != R.shape[1]:
            raise ValueError(f"R must be a square matrix (state x next state), got shape {R.shape}")
        if not 0 <= goal < len(R):
            raise ValueError(f"goal {goal} is not one of the {len(R)} states")
        if not 0 <= gamma < 1:
            raise ValueError(f"gamma must be in [0, 1), got {gamma}")
        if not all((R[s] >= 0).any() for s in range(len(R))):
            raise ValueError("every state needs at least one valid action (R[s, a] >= 0)")
        self.R, self.goal, self.gamma = R, int(goal), float(gamma)
        self.rng = np.random.default_rng(seed)
        self.Q = parameter(np.zeros_like(R), name="Q")
        self.history = {"change": [], "steps": []}
        self.updates = 0

    @property
    def n_states(self):
        return len(self.R)

    @property
    def table(self):
        """The Q-table as a NumPy array (a copy)."""
        return np.array(self.Q.value)

    def valid_actions(self, state):
        return np.flatnonzero(self.R[state] >= 0)

    # --- the update, two ways --------------------------------------------------------
    def target(self, s, a):
        """The TD target R[s, a] + gamma · max Q[a, :], from the current table."""
        return self.R[s, a] + self.gamma * np.max(self.Q.value[a])

    def update_table(self, s, a):
        """The course's tabular update Q[s, a] = R[s, a] + gamma · max Q[a, :]."""
        q = np.array(self.Q.value)
        q[s, a] = self.target(s, a)
        self.Q.value = q
        self.updates += 1

    def td_loss(self, s, a):
        """0.5 · (target - Q[s, a])² as a graph. The target's subgraph
        (R[s, a] + gamma · max over row a) starts from a constant copy of Q:
        it is drawn, but no gradient flows into it."""
        frozen = constant(np.array(self.Q.value), name="Q (frozen copy)")
        row = frozen[a]
        row.name = f"Q[{a}, :]"
        best_next = row.max()
        best_next.name = f"max Q[{a}, :]"
        target = self.R[s, a] + self.gamma * best_next
        target.name = "target"
        q_sa = self.Q[s, a]
        q_sa.name = f"Q[{s}, {a}]"
        error = target - q_sa
        error.name = "TD error"
        loss = 0.5 * error ** 2
        loss.name = "L"
        return loss

    def update_graph(self, s, a, learning_rate=1.0):
        """One gradient-descent step on the TD loss: Q -= learning_rate · dL/dQ.
        With learning rate 1 it is exactly :meth:`update_table`."""
        loss = self.td_loss(s, a)
        Graph(loss).backward()
        self.Q.value = self.Q.value - learning_rate * self.Q.grad
        self.updates += 1
        return loss

    # --- exploring ---------------------------------------------------------------------
    def episode(self, method="table", learning_rate=1.0, max_steps=1000, start=None):
        """Start in a random state (or ``start``) and move at random among the valid
        actions, updating Q after every move, until the goal is reached (from the
        goal itself, one move is made first). Returns the states visited."""
        if method not in ("table", "graph"):
            raise ValueError(f"method is 'table' or 'graph', not {method!r}")
        s = int(self.rng.integers(self.n_states)) if start is None else int(start)
        path = [s]
        for _ in range(max_steps):
            a = int(self.rng.choice(self.valid_actions(s)))
            if method == "table":
                self.update_table(s, a)
            else:
                self.update_graph(s, a, learning_rate)
            path.append(a)
            s = a
            if s == self.goal:
                break
        return path

    def train(self, episodes=500, method="table", learning_rate=1.0):
        """Run ``episodes`` episodes of random exploration. Records, per episode, the
        largest change of any Q value (``history["change"]``) and the number of moves
        (``history["steps"]``). Returns the Q-table."""
        for _ in range(episodes):
            before = np.array(self.Q.value)
            path = self.episode(method, learning_rate)
            self.history["change"].append(float(np.max(np.abs(self.Q.value - before))))
            self.history["steps"].append(len(path) - 1)
        return self.table

    # --- using what was learned --------------------------------------------------------
    def greedy_action(self, state):
        """The valid action with the highest Q value (the first of ties)."""
        actions = self.valid_actions(state)
        return int(actions[np.argmax(self.Q.value[state, actions])])

    def greedy_path(self, start, max_steps=None):
        """The states visited by always taking the best action, from ``start`` to the goal
        (stops after ``max_steps`` moves, default the number of states, if it loops)."""
        limit = self.n_states if max_steps is None else max_steps
        path = [int(start)]
        while path[-1] != self.goal and len(path) <= limit:
            path.append(self.greedy_action(path[-1]))
        return path

    def normalized(self):
        """The Q-table divided by its largest value, times 100 (the course's printout)."""
        q = self.table
        top = q.max()
        return q / top * 100 if top > 0 else q


def optimal_q(R=MAZE_R, gamma=MAZE_GAMMA, tol=1e-12, max_iterations=10_000):
    """The fixed point of the update over every valid pair at once (value iteration):
    Q[s, a] = R[s, a] + gamma · max Q[a, :] for R[s, a] >= 0, and 0 elsewhere.
    Q-learning's table converges to it when every link is explored often enough."""
    R = np.asarray(R, dtype=np.float64)
    valid = R >= 0
    Q = np.zeros_like(R)
    for _ in range(max_iterations):
        new = np.where(valid, R + gamma * Q.max(axis=1)[None, :], 0.0)
        if np.max(np.abs(new - Q)) <= tol:
            return new
        Q = new
    return Q


def maze_graph(R=MAZE_R, goal=MAZE_GOAL, path=None, Q=None, title=None):
    """The maze as a graphviz.Digraph: states as circles, doors as arrows labelled with
    their reward (and Q value, if ``Q`` is given); ``path`` (a list of states) is drawn
    bold red, the goal doubly circled."""
    import graphviz
    R = np.asarray(R)
    on_path = set(zip(path[:-1], path[1:])) if path else set()
    dot = graphviz.Digraph("maze", graph_attr={"rankdir": "LR", "fontname": "Helvetica",
                                               **({"label": title, "labelloc": "t"} if title else {})},
                           node_attr={"shape": "circle", "fontname": "Helvetica",
                                      "style": "filled", "fillcolor": "#eef3fb"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for s in range(len(R)):
        attrs = {"shape": "doublecircle", "fillcolor": "#d9f2d9"} if s == goal else {}
        if path and s == path[0]:
            attrs["fillcolor"] = "#fde8c8"
        dot.node(str(s), "outside\n5" if (s == goal and len(R) == 6) else str(s), **attrs)
    for s in range(len(R)):
        for a in np.flatnonzero(R[s] >= 0):
            label = f"{R[s, a]:g}" + ("" if Q is None else f"\nQ={Q[s, a]:.0f}")
            bold = (s, int(a)) in on_path
            dot.edge(str(s), str(int(a)), label=label, color="#d62728" if bold else "#888888",
                     penwidth="2.5" if bold else "1", fontcolor="#d62728" if bold else "#555555")
    return dot

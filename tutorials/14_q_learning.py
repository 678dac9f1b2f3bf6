# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 14. Q-learning
#
# In reinforcement learning nobody gives the right answers. An **agent** in a
# **state** takes an **action**, lands in a new state and receives a
# **reward**; from many such moves it must work out which actions pay off in
# the long run.
#
# The course's example is a building with five rooms (states 0-4) and the
# outside (state 5). Some rooms have doors to each other, two have doors to
# the outside. An agent dropped in any room should learn the way out. We
# solve it with tabular Q-learning, then write the very same update as a
# graph: a squared error whose gradient step *is* the Q-learning update.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models.qlearning import MAZE_R, QLearning, maze_graph, optimal_q
from graphnet.viz import draw

np.set_printoptions(precision=1, suppress=True)

# %% [markdown]
# ## The maze as a reward matrix
#
# Row s, column a: the reward for moving from state s to state a, or -1 where
# there is no door. An action is the state moved to. Moving outside (into 5)
# earns 100; every other move earns 0. Once outside, staying outside also
# earns 100.

# %%
print(MAZE_R)
assert MAZE_R[1, 5] == MAZE_R[4, 5] == MAZE_R[5, 5] == 100
assert ((MAZE_R >= 0) == (MAZE_R >= 0).T).all()   # every door opens both ways
show_graph(maze_graph(title="the course's maze: doors and rewards"), "14_maze")

# %% [markdown]
# ## The Q-table and its update
#
# Q[s, a] will estimate how good action a is in state s: the reward now plus
# the discounted value of the best action afterwards. It starts at zero, and
# after each move from s to a the course updates it with
#
#     Q[s, a] = R[s, a] + γ · max Q[a, :]        with the discount γ = 0.8.
#
# The right-hand side is the **temporal-difference target**: what the move
# just showed, plus what the table currently believes about the next state.
# By hand, three updates:

# %%
agent = QLearning()
agent.update_table(1, 5)       # 100 + 0.8 * max Q[5, :] = 100 + 0 = 100
agent.update_table(3, 1)       # 0 + 0.8 * max Q[1, :] = 0.8 * 100 = 80
agent.update_table(2, 3)       # 0 + 0.8 * max Q[3, :] = 0.8 * 80 = 64
print(agent.table)
assert agent.table[1, 5] == 100 and agent.table[3, 1] == 80 and agent.table[2, 3] == 64

# %% [markdown]
# Value spreads backwards from the goal, one door per update, shrinking by γ at
# every door: a room far from the exit is worth less than one next to it.
#
# ## Exploring at random
#
# An **episode** starts in a random state; the agent picks one of the valid
# actions at random, updates Q, moves, and goes on until it is outside. Random
# exploration is enough here: the table learns about every door the agent
# happens to walk through.

# %%
agent = QLearning(seed=0)
print("one episode:", " -> ".join(map(str, agent.episode())))
episodes = 500 if FAST else 2000
tables = []                       # the table after every episode, to watch it converge
for _ in range(episodes):
    agent.train(1)
    tables.append(agent.table)
print(f"{agent.updates} updates in {episodes + 1} episodes, "
      f"{np.mean(agent.history['steps']):.1f} moves per episode on average")

# %% [markdown]
# ## The learned Q-table
#
# The course prints the table divided by its largest value, times 100:

# %%
normalized = agent.normalized()
print(np.round(normalized, 1))

# %% [markdown]
# Q-learning converges to the table that satisfies the update everywhere at
# once, the **Bellman equation** Q = R + γ max Q (on the valid moves). Value
# iteration (`optimal_q`) computes it directly: 500 for the moves that exit
# (100 now, then 0.8 · 500 for staying outside for ever), 400 one door
# earlier, then 320 and 256.

# %%
best = optimal_q()
print(best)
assert np.allclose(best[[1, 4, 5], 5], 500) and np.allclose(best[[3, 3, 0], [1, 4, 4]], 400)
assert np.isclose(best[3, 2], 256) and np.isclose(best[2, 3], 320)
assert np.allclose(normalized, best / best.max() * 100, atol=1.0)

# %% [markdown]
# How fast the table got there: the largest distance from the fixed point
# after each episode. It falls in steps. The laggard is Q[5, 5] (500 in the
# end), on which every other value depends: it is only updated when an
# episode starts outside and the agent stays there, about one episode in
# eighteen, and each such update shrinks its error by the factor γ = 0.8
# (500 - Q[5, 5] becomes 0.8 · (500 - Q[5, 5])).

# %%
distance = [np.max(np.abs(table - best)) for table in tables]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
axes[0].semilogy(np.arange(1, episodes + 1), distance)
axes[0].set_xlabel("episode")
axes[0].set_ylabel("max |Q - Q*|")
axes[0].set_title("distance from the Bellman fixed point")
axes[1].hist(agent.history["steps"], bins=np.arange(1, max(agent.history["steps"]) + 2) - 0.5)
axes[1].set_xlabel("moves until outside")
axes[1].set_ylabel("episodes")
axes[1].set_title("random walks: how long each episode was")
show(fig, "14_training")
assert distance[-1] < distance[len(distance) // 10] < distance[0]

# %%
fig, ax = plt.subplots(figsize=(5.6, 4.6))
shown = np.ma.masked_where(MAZE_R < 0, normalized)
image = ax.imshow(shown, cmap="viridis", vmin=0, vmax=100)
ax.set_facecolor("#dddddd")
for s in range(6):
    for a in range(6):
        if MAZE_R[s, a] >= 0:
            ax.text(a, s, f"{normalized[s, a]:.0f}", ha="center", va="center",
                    color="black" if normalized[s, a] > 60 else "white")
ax.set_xticks(range(6))
ax.set_yticks(range(6))
ax.set_xlabel("action a (next state)")
ax.set_ylabel("state s")
ax.set_title("normalised Q-table (grey: no door)")
fig.colorbar(image, ax=ax, fraction=0.046)
show(fig, "14_q_table")

# %% [markdown]
# ## The update as a graph
#
# Now the same update in the language of the rest of graphnet: a loss and a
# gradient step. Take the squared temporal-difference error
#
#     L(Q) = ½ (target - Q[s, a])²,     target = R[s, a] + γ max Q[a, :],
#
# and **hold the target fixed**: it is computed from a frozen copy of Q, a
# constant leaf, so no gradient flows into it (deep Q-learning keeps such a
# copy and calls it the *target network*). Then the only gradient is
#
#     dL/dQ[s, a] = -(target - Q[s, a]),
#
# and one gradient step with learning rate 1 gives
# Q[s, a] - (-(target - Q[s, a])) = target: the tabular update.
#
# The graph for the move 3 -> 1, from a table part-way through learning:

# %%
learner = QLearning(seed=1)
learner.train(3)
loss = learner.td_loss(3, 1)
loss.backward()
print(f"target = {learner.target(3, 1):.1f}, Q[3, 1] = {learner.table[3, 1]:.1f}, L = {loss.value:.1f}")
show_graph(draw(loss, show=("name", "value", "grad")), "14_td_graph")

# %% [markdown]
# The gradient with respect to the table is zero except at (3, 1), and the
# frozen copy gets none at all. The gradient checker agrees with backward.

# %%
print(learner.Q.grad)
expected = np.zeros((6, 6))
expected[3, 1] = -(learner.target(3, 1) - learner.table[3, 1])
assert np.array_equal(learner.Q.grad, expected)
frozen_copy = next(v for v in gn.Graph(loss).variables if v.name == "Q (frozen copy)")
assert frozen_copy.grad is None
assert gn.gradcheck(loss).ok

# %% [markdown]
# ## Both ways, side by side
#
# Two learners with the same random seed see the same episodes (random
# exploration does not depend on Q). One applies the tabular rule, the other
# builds the loss graph after every move and takes a gradient step with
# learning rate 1. Their tables are identical.

# %%
by_table, by_graph = QLearning(seed=42), QLearning(seed=42)
n = 200 if FAST else 1000
q_table = by_table.train(n, method="table")
q_graph = by_graph.train(n, method="graph")
difference = np.max(np.abs(q_table - q_graph))
print(f"{by_graph.updates} gradient steps; largest difference between the tables: {difference}")
assert by_table.updates == by_graph.updates
assert np.allclose(q_table, q_graph, rtol=1e-12, atol=1e-12)

# %% [markdown]
# ## Why the target must not pass gradients
#
# Let the gradient flow through the target as well (build it from Q itself
# instead of the frozen copy). Q[s, a] gets the same gradient as before, but
# now the best entry of row a gets one too, of γ · (target - Q[s, a]): the
# step drags that entry *down*, to shrink the error from the other side, and
# changes a value the move told us nothing new about. This "residual gradient"
# is a different algorithm; the stop-gradient is what makes the step Q-learning.

# %%
Q = gn.parameter(np.array(learner.table), name="Q")
s, a = 3, 1
coupled = 0.5 * (MAZE_R[s, a] + 0.8 * Q[a].max() - Q[s, a]) ** 2
coupled.backward()
stepped = np.array(Q.value) - Q.grad
best_next = int(np.argmax(Q.value[a]))
print("gradient with the target attached:\n", Q.grad)
print(f"after one step: Q[3, 1] = {stepped[3, 1]:.1f}, but Q[1, {best_next}] moved from "
      f"{Q.value[a, best_next]:.1f} to {stepped[a, best_next]:.1f}")
assert np.count_nonzero(Q.grad) == 2 and stepped[a, best_next] < Q.value[a, best_next]
assert np.count_nonzero(learner.Q.grad) == 1     # the stop-gradient version touches Q[3, 1] only

# %% [markdown]
# With a learning rate α < 1 the gradient step is the general Q-learning rule
# Q[s, a] += α (target - Q[s, a]): it moves part of the way, which matters
# when rewards or moves are random. Here α = 0.5 converges to the same table,
# only later.

# %%
slow = QLearning(seed=0)
slow.train(episodes, method="graph", learning_rate=0.5)
print(np.round(slow.normalized(), 1))
assert slow.greedy_path(2)[-1] == 5

# %% [markdown]
# ## Following the greedy path
#
# To act, the agent takes the action with the highest Q value in each state.
# From room 2 the only door leads to 3; from 3 the doors to 1 and to 4 are
# worth the same (400 in the fixed point), and both lead outside in one more
# move: 2 -> 3 -> 1 -> 5 or 2 -> 3 -> 4 -> 5, three moves either way.

# %%
path = agent.greedy_path(2)
print("greedy path from room 2:", " -> ".join(map(str, path)))
assert path in ([2, 3, 1, 5], [2, 3, 4, 5]) and len(path) - 1 == 3
show_graph(maze_graph(path=path, Q=normalized, title="greedy path from room 2 (normalised Q on the doors)"),
           "14_maze_path")

# %% [markdown]
# From every room, the greedy path is a shortest way out (from 5, the agent
# is already outside):

# %%
shortest = {0: 2, 1: 1, 2: 3, 3: 2, 4: 1, 5: 0}   # 5 is already outside
print(f"{'start':>5s}  {'greedy path':18s} moves")
for start in range(6):
    route = agent.greedy_path(start)
    print(f"{start:5d}  {' -> '.join(map(str, route)):18s} {len(route) - 1}")
    assert route[-1] == 5 and len(route) - 1 == shortest[start]

# %% [markdown]
# ## Summary
#
# - Q-learning learns Q[s, a], the long-run value of an action, from moves and
#   rewards alone: Q[s, a] = R[s, a] + γ max Q[a, :] after each move.
# - With γ = 0.8 the value of the exit spreads back through the building,
#   shrinking by 0.8 per door; random exploration is enough to learn it here,
#   and the table converges to the Bellman fixed point.
# - The same update is a gradient step, with learning rate 1, on the squared
#   TD error ½ (target - Q[s, a])², with the target held constant (no gradient
#   through it). Deep Q-learning keeps exactly this loss and replaces the table
#   by a network.
# - Acting greedily on the learned table leads from room 2 outside in three
#   moves.

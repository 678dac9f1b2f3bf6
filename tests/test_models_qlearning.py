"""Q-learning on the course's maze: the tabular update and a gradient step on the
squared TD error (target held constant) are the same update."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.models.qlearning import MAZE_R, QLearning, maze_graph, optimal_q


def test_the_course_maze():
    assert MAZE_R.shape == (6, 6)
    agent = QLearning()
    assert agent.gamma == 0.8 and agent.goal == 5
    assert list(agent.valid_actions(2)) == [3]
    assert list(agent.valid_actions(5)) == [1, 4, 5]
    assert list(agent.valid_actions(3)) == [1, 2, 4]


def test_one_update_by_hand():
    agent = QLearning()
    agent.update_table(1, 5)                     # 100 + 0.8 * max Q[5, :] = 100
    agent.update_table(3, 1)                     # 0 + 0.8 * max Q[1, :] = 80
    assert agent.table[1, 5] == 100 and agent.table[3, 1] == 80
    assert agent.target(2, 3) == pytest.approx(0.8 * 80)   # 0 + 0.8 * max Q[3, :]
    agent.update_table(2, 3)
    assert agent.table[2, 3] == pytest.approx(64)
    assert np.count_nonzero(agent.table) == 3


def test_td_loss_graph_has_no_gradient_through_the_target():
    agent = QLearning()
    agent.Q.value = np.arange(36, dtype=np.float64).reshape(6, 6)
    loss = agent.td_loss(3, 1)
    target = 0 + 0.8 * 11                        # R[3, 1] + gamma * max Q[1, :]
    assert loss.value == pytest.approx(0.5 * (target - 19) ** 2)
    loss.backward()
    expected = np.zeros((6, 6))
    expected[3, 1] = -(target - 19)              # only Q[3, 1] gets a gradient...
    np.testing.assert_allclose(agent.Q.grad, expected)
    graph = gn.Graph(loss)
    frozen = [v for v in graph.variables if v.name == "Q (frozen copy)"]
    assert frozen and frozen[0].grad is None     # ...the target's copy of Q gets none
    assert gn.gradcheck(loss).ok
    agent.update_graph(3, 1)                     # learning rate 1: Q[3, 1] becomes the target
    assert agent.table[3, 1] == pytest.approx(target)
    assert np.sum(agent.table != np.arange(36).reshape(6, 6)) == 1


def test_table_and_graph_learn_identical_q_tables():
    by_table, by_graph = QLearning(seed=7), QLearning(seed=7)
    q_table = by_table.train(150, method="table")
    q_graph = by_graph.train(150, method="graph")
    assert by_table.updates == by_graph.updates > 150
    np.testing.assert_allclose(q_graph, q_table, rtol=1e-12, atol=1e-12)
    assert by_table.history == by_graph.history


def test_learned_table_approaches_the_fixed_point_and_the_greedy_path_is_optimal():
    agent = QLearning(seed=0)
    agent.train(400)
    best = optimal_q()
    assert best[1, 5] == best[4, 5] == best[5, 5] == pytest.approx(500)
    assert best[3, 1] == pytest.approx(400) and best[3, 2] == pytest.approx(256)
    np.testing.assert_allclose(agent.normalized(), best / best.max() * 100, atol=1.0)
    path = agent.greedy_path(2)
    assert path in ([2, 3, 1, 5], [2, 3, 4, 5])
    assert len(path) - 1 == 3
    for start in range(6):
        assert agent.greedy_path(start)[-1] == 5


def test_gradient_step_with_smaller_learning_rate_moves_part_way():
    agent = QLearning()
    agent.update_graph(1, 5, learning_rate=0.5)
    assert agent.table[1, 5] == 50


def test_maze_graph_marks_the_path():
    dot = maze_graph(path=[2, 3, 1, 5])
    assert dot.source.count("#d62728") >= 3
    assert "doublecircle" in dot.source


def test_bad_arguments_are_reported():
    with pytest.raises(ValueError, match="square"):
        QLearning(R=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="gamma"):
        QLearning(gamma=1.0)
    with pytest.raises(ValueError, match="method"):
        QLearning().episode(method="sarsa")

"""The course's worked examples, shared by the tour, the tutorials and the tests."""

"""keras.wrappers: ``scikit_learn`` (import it by name: it needs scikit-learn)."""

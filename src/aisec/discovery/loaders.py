"""The loader functions discovery looks for in code, and which of them are unsafe on
an untrusted file whatever their arguments."""

from __future__ import annotations

# Loaders that always unpickle: no argument makes them safe on an untrusted file.
ALWAYS = frozenset(
    {
        "pickle.load",
        "pickle.loads",
        "_pickle.load",
        "_pickle.loads",
        "cPickle.load",
        "cPickle.loads",
        "dill.load",
        "dill.loads",
        "cloudpickle.load",
        "cloudpickle.loads",
        "joblib.load",
        "sklearn.externals.joblib.load",
        "pandas.read_pickle",
        "yaml.unsafe_load",
        "yaml.unsafe_load_all",
    }
)
KERAS = frozenset(
    {
        "keras.models.load_model",
        "keras.saving.load_model",
        "tensorflow.keras.models.load_model",
        "tf_keras.models.load_model",
    }
)
# Loaders whose safety depends on their arguments (weights_only, allow_pickle, Loader=).
CONDITIONAL = frozenset({"torch.load", "numpy.load", "yaml.load", "yaml.load_all"})
# Every function that loads serialised objects; the check decides which uses are unsafe.
LOADERS = ALWAYS | KERAS | CONDITIONAL

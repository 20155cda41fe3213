"""The sentence embeddings clustering reads: the NumPy forward pass gives the reference model's
vectors, and what it says of real headlines is what clustering relies on."""

from __future__ import annotations

import numpy as np
import pytest

from stories import embeddings
from stories.checks import check_embedding_model

IRAN_AGREED = "Iran says 'guiding principles' agreed with US at nuclear talks"
IRAN_ENDED = "Progress but not compromise as latest U.S.-Iran nuclear talks end"
UKRAINE_TALKS = "First day of Russia-Ukraine peace talks ends in Geneva"
# Longer than the 128 word pieces the model reads (278 of them).
LONG_TEXT = (
    "Jesse Jackson, the civil rights leader and two-time presidential candidate, has died at "
    "84, his family said. "
) * 12

# What sentence-transformers 6.3 (PyTorch, max_seq_length 128) gave for these texts with the
# same model files: the first six components of each unit vector, and the cosines.
REFERENCE_COMPONENTS = {
    IRAN_AGREED: [0.03302, 0.06551, -0.02512, 0.01631, -0.00619, -0.03566],
    IRAN_ENDED: [0.0441, 0.03419, -0.03164, -0.00414, -0.01313, -0.01737],
    UKRAINE_TALKS: [-0.05941, 0.0698, 0.02277, -0.01255, -0.02952, -0.02147],
    LONG_TEXT: [0.02955, -0.03677, -0.06033, 0.02821, 0.0536, 0.02762],
}
REFERENCE_COSINES = {
    (IRAN_AGREED, IRAN_ENDED): 0.6593,
    (IRAN_AGREED, UKRAINE_TALKS): 0.1691,
    (IRAN_ENDED, UKRAINE_TALKS): 0.39,
}


def test_the_numpy_encoder_gives_the_reference_models_vectors():
    for text, components in REFERENCE_COMPONENTS.items():
        vector = embeddings.embed(text)
        assert vector.shape == (embeddings.DIMENSIONS,)
        assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
        assert vector[:6] == pytest.approx(components, abs=2e-5), text[:40]
    for (first, second), cosine in REFERENCE_COSINES.items():
        assert float(embeddings.embed(first) @ embeddings.embed(second)) == pytest.approx(
            cosine, abs=1e-3
        )


def test_two_reports_of_one_event_read_closer_than_two_sets_of_talks():
    iran = embeddings.embed(IRAN_AGREED)
    assert float(iran @ embeddings.embed(IRAN_ENDED)) > 0.6
    assert float(iran @ embeddings.embed(UKRAINE_TALKS)) < 0.3


def test_an_empty_text_has_no_embedding():
    assert embeddings.embed("") is None
    assert embeddings.embed("  \n") is None


def test_packed_embeddings_keep_their_cosines():
    texts = list(REFERENCE_COMPONENTS)
    vectors = [embeddings.embed(text) for text in texts]
    packed = [embeddings.pack(vector) for vector in vectors]
    assert all(len(text) == 512 for text in packed)  # 384 bytes in base64
    unpacked = [embeddings.unpack(text) for text in packed]
    for i in range(len(texts)):
        for j in range(len(texts)):
            exact = float(vectors[i] @ vectors[j])
            assert float(unpacked[i] @ unpacked[j]) == pytest.approx(exact, abs=0.003)


def test_a_site_without_the_model_is_told_so(monkeypatch):
    assert check_embedding_model() == []
    monkeypatch.setattr(embeddings, "model_directory", lambda: None)
    assert [message.id for message in check_embedding_model()] == ["stories.W001"]

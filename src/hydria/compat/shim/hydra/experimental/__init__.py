"""`hydra.experimental`, served by hydria.

Only `callback` and `callbacks` are here: Hydra 1.2 and later refuse the old
`hydra.experimental.compose` and `initialize*`; use `hydra.compose` and `hydra.initialize*`.
"""

"""Reads back what an offline wandb run wrote: its `.wandb` file, record by record.

wandb 0.31 ships no reader. The file is a LevelDB-style log: a 7-byte file header
(`:W&B`, a 2-byte magic, a version byte), then 32 KiB blocks of chunks, each with a
7-byte header (CRC32, little-endian length, type: 1 full, 2 first, 3 middle, 4 last);
a block's tail shorter than a header is padding. The payloads are
`wandb_internal_pb2.Record` messages.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

BLOCK = 32 * 1024
HEADER = 7


def _payloads(data: bytes) -> list[bytes]:
    assert data[:4] == b":W&B", "not a .wandb file"
    payloads: list[bytes] = []
    pending = b""
    offset = HEADER
    while offset + HEADER <= len(data):
        room = BLOCK - offset % BLOCK
        if room < HEADER:
            offset += room
            continue
        _crc, length, kind = struct.unpack("<IHB", data[offset : offset + HEADER])
        chunk = data[offset + HEADER : offset + HEADER + length]
        offset += HEADER + length
        if kind == 0 and length == 0:
            offset += BLOCK - offset % BLOCK if offset % BLOCK else 0
            continue
        if kind == 1:
            payloads.append(chunk)
        elif kind == 2:
            pending = chunk
        elif kind == 3:
            pending += chunk
        elif kind == 4:
            payloads.append(pending + chunk)
            pending = b""
    return payloads


def _key(item: Any) -> str:
    return str(item.key or "/".join(item.nested_key))


def read_run(run_dir: Path) -> dict[str, Any]:
    """{'config': {...}, 'summary': {...}, 'history': [...], 'run': {...}, 'exit_code': n,
    'artifacts': [names]} from an offline run directory (`offline-run-*`)."""
    from wandb.proto import wandb_internal_pb2

    [path] = list(run_dir.glob("run-*.wandb"))
    out: dict[str, Any] = {"config": {}, "summary": {}, "history": [], "artifacts": []}
    for payload in _payloads(path.read_bytes()):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(payload)
        kind = record.WhichOneof("record_type")
        if kind == "run":
            run = record.run
            out["run"] = {
                "name": run.display_name,
                "group": run.run_group,
                "project": run.project,
                "tags": list(run.tags),
                "job_type": run.job_type,
            }
            for item in run.config.update:
                out["config"][item.key] = json.loads(item.value_json)
        elif kind == "config":
            for item in record.config.update:
                out["config"][item.key] = json.loads(item.value_json)
        elif kind == "summary":
            for item in record.summary.update:
                out["summary"][_key(item)] = json.loads(item.value_json)
        elif kind == "history":
            out["history"].append(
                {
                    i.key or "/".join(i.nested_key): json.loads(i.value_json)
                    for i in record.history.item
                }
            )
        elif kind == "exit":
            out["exit_code"] = record.exit.exit_code
        elif kind == "artifact":
            out["artifacts"].append(record.artifact.name)
    return out

#!/usr/bin/env python3
"""Calls a running Sluice from Python, using nothing but proto/sluice/v1/job_service.proto.

No generated code: the .proto is compiled to a descriptor set at start
(grpc_tools' protoc) and the message classes are built from it, so this is
exactly what a client in another language sees. It submits each example job,
watches every one to its terminal state, submits a repeated idempotency key
and bad input, and exits non-zero at the first broken promise.

    apt-get install python3-grpcio python3-grpc-tools   # or: pip install grpcio grpcio-tools
    npm start &                                          # Sluice on 127.0.0.1:50051
    python3 examples/python/check_sluice.py --endpoint 127.0.0.1:50051
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_tools import protoc

PROTO_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto")
PROTO_FILE = "sluice/v1/job_service.proto"
# google/protobuf/*.proto ship inside grpc_tools.
WELL_KNOWN_TYPES = os.path.join(os.path.dirname(protoc.__file__), "_proto")
SERVICE = "/sluice.v1.JobService/"
TERMINAL = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTERED", "JOB_STATE_CANCELLED"}
DEADLINE_SECONDS = 60


def load_messages():
    """Compiles the .proto into a descriptor set and returns its message classes by name."""
    with tempfile.TemporaryDirectory() as directory:
        out = os.path.join(directory, "sluice.binpb")
        code = protoc.main(
            ["protoc", f"-I{PROTO_ROOT}", f"-I{WELL_KNOWN_TYPES}", "--include_imports", f"--descriptor_set_out={out}", PROTO_FILE]
        )
        if code != 0:
            raise SystemExit(f"protoc failed on {PROTO_FILE}")
        with open(out, "rb") as handle:
            files = descriptor_pb2.FileDescriptorSet.FromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    names = ["SubmitJobRequest", "SubmitJobResponse", "SubmitJobsRequest", "SubmitJobsResponse",
             "GetJobRequest", "GetJobResponse", "WatchJobsRequest", "WatchJobsResponse",
             "CancelJobRequest", "CancelJobResponse"]
    # GetMessageClass is protobuf >= 4.22; MessageFactory works on older runtimes too.
    factory = getattr(message_factory, "GetMessageClass", None) or message_factory.MessageFactory(pool).GetPrototype
    classes = {name: factory(pool.FindMessageTypeByName(f"sluice.v1.{name}")) for name in names}
    state_enum = pool.FindEnumTypeByName("sluice.v1.JobState")
    return classes, lambda number: state_enum.values_by_number[number].name


class Sluice:
    """The five RPCs over a plain grpc channel."""

    def __init__(self, endpoint, api_key, messages):
        self.channel = grpc.insecure_channel(endpoint)
        self.metadata = [("authorization", f"Bearer {api_key}")] if api_key else []
        m = messages

        def method(kind, name, request, response):
            return getattr(self.channel, kind)(
                SERVICE + name,
                request_serializer=m[request].SerializeToString,
                response_deserializer=m[response].FromString,
            )

        self.messages = m
        self.submit = method("unary_unary", "SubmitJob", "SubmitJobRequest", "SubmitJobResponse")
        self.submit_many = method("stream_stream", "SubmitJobs", "SubmitJobsRequest", "SubmitJobsResponse")
        self.get = method("unary_unary", "GetJob", "GetJobRequest", "GetJobResponse")
        self.watch = method("unary_stream", "WatchJobs", "WatchJobsRequest", "WatchJobsResponse")
        self.cancel = method("unary_unary", "CancelJob", "CancelJobRequest", "CancelJobResponse")


def expect(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok   {what}")


def job_request(m, type_, payload, **fields):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return m["SubmitJobRequest"](channel="default", type=type_, payload=body,
                                 content_type="application/json", **fields)


def status_of(call):
    try:
        call()
    except grpc.RpcError as error:
        return error.code(), error.details()
    return grpc.StatusCode.OK, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default="127.0.0.1:50051")
    parser.add_argument("--api-key", default=os.environ.get("SLUICE_API_KEY", ""))
    args = parser.parse_args()
    messages, state_name = load_messages()
    sluice = Sluice(args.endpoint, args.api_key, messages)
    m = messages
    md = sluice.metadata

    examples = {
        "echo": ({"hello": "python"}, "JOB_STATE_SUCCEEDED"),
        "sleep": ({"ms": 300}, "JOB_STATE_SUCCEEDED"),
        "sha256": (b"hello", "JOB_STATE_SUCCEEDED"),
        "fail": ({"message": "on purpose"}, "JOB_STATE_FAILED"),
        "flaky": ({"failures": 1}, "JOB_STATE_SUCCEEDED"),
        # More failures than the channel's max receive count (3): SQS redrives it to the DLQ.
        "flaky ": ({"failures": 5}, "JOB_STATE_DEAD_LETTERED"),
    }
    started = time.monotonic()
    ids = {}
    for type_, (payload, _) in examples.items():
        ack = sluice.submit(job_request(m, type_.strip(), payload), metadata=md, timeout=DEADLINE_SECONDS)
        expect(len(ack.job_id) == 26 and not ack.duplicate, f"SubmitJob {type_.strip()} -> {ack.job_id}")
        ids[ack.job_id] = type_

    last = {}
    seen = {job_id: [] for job_id in ids}
    for response in sluice.watch(m["WatchJobsRequest"](job_ids=list(ids)), metadata=md, timeout=DEADLINE_SECONDS):
        job = response.job
        seen[job.job_id].append(state_name(job.state))
        last[job.job_id] = job
    expect(len(last) == len(ids), "WatchJobs streamed every job and ended by itself")
    for job_id, type_ in ids.items():
        job = last[job_id]
        want = examples[type_][1]
        expect(state_name(job.state) == want,
               f"{type_.strip()} ended {state_name(job.state)} after {job.attempts} attempt(s), via {' > '.join(seen[job_id])}")
    sha = last[next(j for j, t in ids.items() if t == "sha256")]
    expect(b"2cf24dba" in sha.result, "sha256 result is the digest of the payload")
    dead = last[next(j for j, t in ids.items() if t == "flaky ")]
    expect(dead.error.code == grpc.StatusCode.UNAVAILABLE.value[0] and "attempt 3" in dead.error.message,
           f"the dead-lettered job keeps its last error ({dead.error.message})")

    key = f"python-{uuid.uuid4()}"
    first = sluice.submit(job_request(m, "echo", {"n": 1}, idempotency_key=key), metadata=md)
    again = sluice.submit(job_request(m, "echo", {"n": 1}, idempotency_key=key), metadata=md)
    expect(again.job_id == first.job_id and again.duplicate and not first.duplicate,
           "a repeated idempotency key gives the same job id and duplicate = true")

    # A job waiting behind another of its group is still QUEUED: it can be cancelled, and never runs.
    group = f"python-{uuid.uuid4()}"
    ahead = sluice.submit(job_request(m, "sleep", {"ms": 1500}, group_key=group), metadata=md)
    waiting = sluice.submit(job_request(m, "echo", {"n": 0}, group_key=group), metadata=md)
    cancelled = sluice.cancel(m["CancelJobRequest"](job_id=waiting.job_id), metadata=md).job
    expect(state_name(cancelled.state) == "JOB_STATE_CANCELLED", "CancelJob on a QUEUED job -> CANCELLED")
    again = sluice.cancel(m["CancelJobRequest"](job_id=waiting.job_id), metadata=md).job
    expect(state_name(again.state) == "JOB_STATE_CANCELLED" and again.version == cancelled.version,
           "CancelJob again (a retried call) returns the cancelled job unchanged")
    for _ in sluice.watch(m["WatchJobsRequest"](job_ids=[ahead.job_id]), metadata=md, timeout=DEADLINE_SECONDS):
        pass  # until the job ahead of it in its group is terminal
    after = sluice.get(m["GetJobRequest"](job_id=waiting.job_id), metadata=md).job
    expect(state_name(after.state) == "JOB_STATE_CANCELLED" and after.attempts == 0,
           "the cancelled job never ran, after its group's earlier job finished")
    code, details = status_of(lambda: sluice.cancel(m["CancelJobRequest"](job_id=first.job_id), metadata=md))
    expect(code == grpc.StatusCode.FAILED_PRECONDITION, f"CancelJob on a finished job -> {code.name}: {details}")

    bad = [
        ("unknown channel", job_request(m, "echo", {}, ), "channel", {"channel": "nope"}),
        ("unknown type", job_request(m, "no-such-type", {}), "type", {}),
    ]
    for what, request, field, overrides in bad:
        for name, value in overrides.items():
            setattr(request, name, value)
        code, details = status_of(lambda: sluice.submit(request, metadata=md))
        expect(code == grpc.StatusCode.INVALID_ARGUMENT and field in details,
               f"{what} -> {code.name}: {details}")
    code, details = status_of(lambda: sluice.get(m["GetJobRequest"](job_id="01ARZ3NDEKTSV4RRFFQ69G5FAV"), metadata=md))
    expect(code == grpc.StatusCode.NOT_FOUND, f"unknown job -> {code.name}: {details}")
    code, details = status_of(lambda: sluice.get(m["GetJobRequest"](job_id="not an id"), metadata=md))
    expect(code == grpc.StatusCode.INVALID_ARGUMENT and "job_id" in details, f"malformed job id -> {code.name}: {details}")

    def bulk():
        for i in range(100):
            request = job_request(m, "echo", {"i": i}) if i != 50 else job_request(m, "", {"i": i})
            yield m["SubmitJobsRequest"](ref=str(i), job=request)

    answers = {r.ref: r for r in sluice.submit_many(bulk(), metadata=md, timeout=DEADLINE_SECONDS)}
    expect(len(answers) == 100 and answers["50"].WhichOneof("result") == "error"
           and sum(1 for r in answers.values() if r.WhichOneof("result") == "accepted") == 99,
           f"SubmitJobs: 100 refs answered once each, the bad one with error ({answers['50'].error.message})")
    print(f"all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""boto3 against the running stack: the Python SDK customers use, driven by boto3.e2e.test.ts.

Prints one JSON object with what each step observed; the jest test asserts on it.
"""
import hashlib
import io
import json
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, key_id, secret, bucket = sys.argv[1:5]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    region_name="auto",
    aws_access_key_id=key_id,
    aws_secret_access_key=secret,
    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
)
out = {}

s3.create_bucket(Bucket=bucket)
out["buckets"] = [b["Name"] for b in s3.list_buckets()["Buckets"]]

body = os.urandom(100_000)
put = s3.put_object(Bucket=bucket, Key="dir/a b.bin", Body=body, Metadata={"who": "boto3"}, ContentType="application/x-boto")
out["put_etag"] = put["ETag"]
out["md5"] = hashlib.md5(body).hexdigest()
got = s3.get_object(Bucket=bucket, Key="dir/a b.bin")
out["get_equal"] = got["Body"].read() == body
out["get_meta"] = got["Metadata"]
out["get_type"] = got["ContentType"]
rng = s3.get_object(Bucket=bucket, Key="dir/a b.bin", Range="bytes=10-19")
out["range_equal"] = rng["Body"].read() == body[10:20]

# upload_fileobj goes multipart above the threshold, with parallel parts.
big = os.urandom(12 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(big), bucket, "big.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4))
buf = io.BytesIO()
s3.download_fileobj(bucket, "big.bin", buf)
out["multipart_equal"] = buf.getvalue() == big
out["multipart_etag"] = s3.head_object(Bucket=bucket, Key="big.bin")["ETag"]

pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1})
out["listed"] = [o["Key"] for page in pages for o in page.get("Contents", [])]

try:
    s3.head_object(Bucket=bucket, Key="missing")
    out["missing"] = "found"
except ClientError as e:
    out["missing"] = e.response["Error"]["Code"]

deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "dir/a b.bin"}, {"Key": "big.bin"}]})
out["deleted"] = sorted(d["Key"] for d in deleted.get("Deleted", []))
s3.delete_bucket(Bucket=bucket)
print(json.dumps(out))

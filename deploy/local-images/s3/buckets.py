"""Creates the buckets named on the command line in the S3 API at S3_ENDPOINT, waiting for
it to answer first; a bucket that exists is fine (the s3-buckets one-shot of the CI
override)."""

import os
import sys
import time

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError

client = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT"],
    aws_access_key_id=os.environ.get("S3_ACCESS_KEY", "ojc"),
    aws_secret_access_key=os.environ["S3_SECRET_KEY"],
    region_name="eu-central-1",
)
for _ in range(60):
    try:
        client.list_buckets()
        break
    except EndpointConnectionError:
        time.sleep(1)
for bucket in sys.argv[1:]:
    try:
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise
names = {b["Name"] for b in client.list_buckets()["Buckets"]}
missing = set(sys.argv[1:]) - names
if missing:
    sys.exit(f"buckets missing: {sorted(missing)}")
sys.stdout.write("buckets: " + ", ".join(sorted(names)) + "\n")

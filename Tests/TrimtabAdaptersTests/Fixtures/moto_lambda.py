"""Test fixture for the Lambda sink against moto_server: creates functions, prints their configuration.

usage: moto_lambda.py ENDPOINT setup NAME...   |   moto_lambda.py ENDPOINT show NAME...
"""
import io
import json
import sys
import zipfile

import boto3

endpoint, command, names = sys.argv[1], sys.argv[2], sys.argv[3:]
session = dict(endpoint_url=endpoint, region_name="eu-west-1")
lam = boto3.client("lambda", **session)
if command == "setup":
    iam = boto3.client("iam", **session)
    role = iam.create_role(RoleName="trimtab-test", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return event\n")
    for name in names:
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role["Role"]["Arn"], Handler="handler.handler",
                            Code={"ZipFile": code.getvalue()}, MemorySize=128,
                            Environment={"Variables": {"LOG_LEVEL": "info"}})
    print("ok")
else:
    out = {}
    for name in names:
        c = lam.get_function_configuration(FunctionName=name)
        try:
            conc = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
        except Exception as e:  # noqa: BLE001 - report what moto says
            conc = str(e)
        out[name] = {"memory": c["MemorySize"], "env": c.get("Environment", {}).get("Variables", {}), "concurrency": conc}
    print(json.dumps(out, sort_keys=True))

#!/usr/bin/env python3
"""Runs the aws CLI v1 with botocore's protocol priority changed: AWSPROTO=smithy-rpc-v2-cbor|query|json.

botocore 1.43 picks CloudWatch's protocol from its own priority list (json first), so the CBOR
and query paths of the CLI are only reachable this way (aws-wire-protocols.md 1.1).
"""
import os
import sys

import botocore.model as m

p = os.environ.get("AWSPROTO")
if p:
    m.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = (p,) + tuple(
        x for x in m.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS if x != p)
import awscli.clidriver  # noqa: E402

sys.exit(awscli.clidriver.main())

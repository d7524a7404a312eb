"""The offline engine: the Pulumi program on the SDK's mock engine, recorded as a plan."""

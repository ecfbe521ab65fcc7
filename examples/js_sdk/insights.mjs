// The AWS SDK for JavaScript v3 against `mock-insights serve`: what a Node service's code or
// tests do with CloudTrail Insights, pointed at the mock by one environment variable. run.sh
// starts the server and sets AWS_ENDPOINT_URL_CLOUDTRAIL to its URL. Any failure exits non-zero.
import assert from "node:assert/strict";
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  PutInsightSelectorsCommand,
  TrailNotFoundException,
} from "@aws-sdk/client-cloudtrail";

const url = process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
if (!url) {
  console.error("AWS_ENDPOINT_URL_CLOUDTRAIL is not set: start `mock-insights serve` first");
  process.exit(2);
}

// The access key is the account's ID; any secret will do.
const region = "us-east-1";
const credentials = { accessKeyId: "123456789012", secretAccessKey: "mock" };
const wanted = [{ InsightType: "ApiCallRateInsight" }, { InsightType: "ApiErrorRateInsight" }];

// No `endpoint:` here: the SDK itself sends CloudTrail to AWS_ENDPOINT_URL_CLOUDTRAIL.
const cloudtrail = new CloudTrailClient({ region, credentials });
// The same server, named explicitly, for a second account (another access key).
const otherAccount = new CloudTrailClient({
  region,
  endpoint: url,
  credentials: { accessKeyId: "111122223333", secretAccessKey: "mock" },
});

try {
  // Start from an empty mock, as a test's setup would (a control endpoint, not AWS).
  const reset = await fetch(new URL("/_mock_insights/reset", url), { method: "POST" });
  assert.equal(reset.status, 200, "reset the mock");

  const { TrailARN } = await cloudtrail.send(
    new CreateTrailCommand({ Name: "audit-trail", S3BucketName: "audit-bucket" }),
  );
  await cloudtrail.send(
    new PutInsightSelectorsCommand({ TrailName: "audit-trail", InsightSelectors: wanted }),
  );
  const got = await cloudtrail.send(new GetInsightSelectorsCommand({ TrailName: "audit-trail" }));
  assert.deepEqual(got.InsightSelectors, wanted);
  assert.equal(got.TrailARN, TrailARN);

  // A modeled error arrives as the SDK's own exception class.
  const missing = await cloudtrail.send(new GetTrailCommand({ Name: "missing-trail" })).then(
    () => assert.fail("GetTrail of a missing trail did not throw"),
    (error) => error,
  );
  assert.equal(missing.name, "TrailNotFoundException");
  assert.ok(missing instanceof TrailNotFoundException, "instance of TrailNotFoundException");
  assert.equal(missing.$metadata.httpStatusCode, 400);

  // Each account has its own trails: the same name again, under the other account's ARN.
  const other = await otherAccount.send(
    new CreateTrailCommand({ Name: "audit-trail", S3BucketName: "audit-bucket" }),
  );
  assert.equal(other.TrailARN.split(":")[4], "111122223333");
  assert.equal(TrailARN.split(":")[4], "123456789012");

  console.log(`trail:     ${TrailARN}`);
  console.log(`insights:  ${got.InsightSelectors.map((s) => s.InsightType).join(", ")}`);
  console.log(`missing:   ${missing.name} (HTTP ${missing.$metadata.httpStatusCode})`);
  console.log(`account 2: ${other.TrailARN}`);
  console.log("js_sdk example: all checks passed");
} catch (error) {
  console.error("js_sdk example FAILED:", error);
  process.exitCode = 1;
} finally {
  cloudtrail.destroy();
  otherAccount.destroy();
}

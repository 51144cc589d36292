// Reads {"secrets": [...], "requests": [{id, timestamp, signature, contentType, body}]} on standard input and writes,
// for each request, which secrets the standardwebhooks library accepts its signature with, and for a CloudEvents
// request what the CloudEvents SDK reads from it. Credo's tests run it; it knows nothing of Credo.
"use strict";
const { Webhook } = require("standardwebhooks");
const { HTTP } = require("cloudevents");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", chunk => (input += chunk));
process.stdin.on("end", () => {
  const { secrets, requests } = JSON.parse(input);
  const results = requests.map(r => {
    const headers = { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature, "content-type": r.contentType };
    const verifiedBy = secrets.filter(secret => {
      try {
        new Webhook(secret).verify(r.body, headers);
        return true;
      } catch {
        return false;
      }
    });
    let cloudEvent = null;
    if (r.contentType.startsWith("application/cloudevents+json")) {
      const e = HTTP.toEvent({ headers, body: r.body });
      cloudEvent = { specversion: e.specversion, id: e.id, type: e.type, source: e.source, subject: e.subject, time: e.time,
        datacontenttype: e.datacontenttype, deliveryId: e.data && e.data.deliveryId };
    }
    return { id: r.id, verifiedBy, cloudEvent };
  });
  process.stdout.write(JSON.stringify(results));
});

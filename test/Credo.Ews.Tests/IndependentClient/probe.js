// Usage: node probe.js EWS_URL MAILBOX < token
// Uses ews-javascript-api as any application would: OAuth bearer token, impersonation, X-AnchorMailbox.
const ews = require('ews-javascript-api');

async function main() {
  const [url, mailbox] = process.argv.slice(2);
  const token = require('fs').readFileSync(0, 'utf8').trim();
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
  service.Credentials = new ews.OAuthCredentials(token);
  service.Url = new ews.Uri(url);
  service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, mailbox);
  service.HttpHeaders.Add('X-AnchorMailbox', mailbox);

  const inbox = await ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox);
  const found = await service.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(5));
  const sync = await service.SyncFolderItems(
    new ews.FolderId(ews.WellKnownFolderName.Inbox), ews.PropertySet.IdOnly, null, 512, ews.SyncFolderItemsScope.NormalItems, null);
  const properties = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties);
  properties.Add(ews.ItemSchema.MimeContent);
  const message = await ews.EmailMessage.Bind(service, found.Items[0].Id, properties);
  message.IsRead = true;
  await message.Update(ews.ConflictResolutionMode.AutoResolve);
  const after = await ews.Folder.Bind(service, ews.WellKnownFolderName.Inbox);

  console.log(JSON.stringify({
    folder: inbox.DisplayName,
    total: inbox.TotalCount,
    unreadBefore: inbox.UnreadCount,
    unreadAfter: after.UnreadCount,
    found: found.Items.length,
    totalInView: found.TotalCount,
    syncChanges: sync.Count,
    subject: message.Subject,
    mimeLength: message.MimeContent.Content.length,
  }));
}

main().catch(error => {
  console.error('FAILED', error && (error.message || error));
  process.exit(1);
});

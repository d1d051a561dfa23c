# Web pages, HTTP errors and the `motcua serve` command.

## Page frame

web-product-name = Electronic One-Stop Office
web-province-placeholder = [Province or city name]
web-skip-to-content = Skip to main content
web-language-switch-label = Choose language
web-footer-about = Administrative procedure information system, built on the motcua open-source software.
web-footer-version = Version { $version }
web-error-status = Error { $status }
web-error-reference = Reference for support: { $id }
web-error-home = Back to the home page

## Home page

home-title = Home
home-heading = Online public services and the electronic one-stop office
home-lead = Submit administrative procedure dossiers online or at the Reception and Result Return Unit, follow their progress, and receive the results at home through the public postal service.
home-online-heading = Online public services
home-online-body = Citizens and businesses submit dossiers over the internet instead of bringing papers to a government office.
home-online-level3 = Level 3 (now a partial online public service): submit the dossier online; pay fees and collect the result at the office or by post.
home-online-level4 = Level 4 (now a full online public service): every step, from submission and payment of fees to the result, is done online.
home-onestop-heading = The one-stop unit
home-onestop-body = The Reception and Result Return Unit is the single point that receives dossiers, passes them to the competent agency, watches the legal time limit and returns the results. Dossiers submitted online, at the counter or by post are all handled in the same system.
home-tracking-heading = Track a dossier
home-tracking-body = When you submit a dossier you receive its code and a PIN. With both you can see where your dossier stands without signing in. Tracking arrives in a coming update.
home-postal-heading = Results by post
home-postal-body = You can ask the public postal service to collect your dossier and deliver the result to your address instead of going to the office in person.
home-status-heading = This system is being built
home-status-body = This is a first release. Submitting dossiers, tracking, sign-in for officers and statistics will be added step by step; the system stores no data yet.

## Errors (RFC 9457): the short title and the explanation of each kind

problem-bad-request-title = Malformed request
problem-bad-request-detail = The server could not read this request. Check what was sent.
problem-unauthenticated-title = Not signed in
problem-unauthenticated-detail = Sign in (or send a valid access token) to use this.
problem-malformed-credentials-detail = The Authorization header must be “Bearer <token>”.
problem-forbidden-title = Forbidden
problem-forbidden-detail = Your account may not do this.
problem-csrf-detail = The form has expired or was not sent from this site. Reload the page and send it again.
problem-not-found-title = Not found
problem-not-found-detail = Nothing exists at this address, or it has moved. Check the link.
problem-method-not-allowed-title = Method not allowed
problem-method-not-allowed-detail = This address does not accept the HTTP method used.
problem-request-timeout-title = Request timed out
problem-request-timeout-detail = The request took too long and was stopped. Please try again.
problem-payload-too-large-title = Request too large
problem-payload-too-large-detail = What was sent is larger than allowed.
problem-unsupported-media-type-title = Unsupported media type
problem-unsupported-media-type-detail = Send the data in the expected format (for example Content-Type: application/json).
problem-invalid-input-title = Invalid input
problem-invalid-input-detail = Some of the data sent is not valid.
problem-conflict-title = Not possible right now
problem-conflict-detail = The current state does not allow this.
problem-too-many-requests-title = Too many attempts
problem-too-many-requests-detail = You have tried too many times. Wait a while and try again.
problem-internal-title = Internal error
problem-internal-detail = Something went wrong on our side. It has been logged; please try again later.
problem-unavailable-title = Service unavailable
problem-unavailable-detail = The system is temporarily unavailable. Please try again in a few minutes.
problem-http-error-title = Request failed
problem-http-error-detail = This request could not be completed.

## The motcua serve command

serve-listening = Listening on { $url }
serve-data-dir = Data folder: { $path }
serve-database = Database: { $engine }
serve-blobs-dir = Attachments are stored in: { $path }
serve-demo-loaded = Demonstration data: { $agencies } agencies added, { $procedures } procedure versions loaded, { $accounts } accounts added.
serve-demo-accounts = Demo accounts (password: { $password }):
serve-demo-role-citizen = citizen
serve-demo-role-business = business
serve-demo-role-reception-officer = reception and return officer, every demo commune and the service centre
serve-demo-role-specialist = specialist, every demo commune and the service centre
serve-demo-role-approver = approver, every demo commune and the service centre
serve-demo-role-system-admin = system administrator
serve-demo-role-postal-worker = postal worker, at the post office serving the demo communes and the centre
serve-shutting-down = Stop signal received; finishing the requests in flight…
serve-stopped = Server stopped.
serve-shutdown-forced = Waited { $seconds } seconds; closing the remaining connections.
serve-addr-in-use = Cannot listen on { $addr }: another program is already using this address.
serve-listen-failed = Cannot listen on { $addr }: { $reason }

// A real OpenID Connect provider on loopback for the RAR Portal's Sign-In Partner
// integration tests: panva's oidc-provider (pinned in package.json), one static
// confidential client, two test users with passwords, a minimal login page of
// our own (no devInteractions) and consent implied for the portal's client.
//
// Started by tests/integration/oidc_fixtures.py:
//   CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URIS="http://127.0.0.1:3000/api/oidc/callback" node provider.js
// It listens on 127.0.0.1 on a free port and prints one line "READY <issuer>".
// Never used outside the tests.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const CLIENT_ID = process.env.CLIENT_ID || 'rar-portal-test';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'rar-portal-test-secret-0123456789abcdef';
const REDIRECT_URIS = (process.env.REDIRECT_URIS || 'http://127.0.0.1:3000/api/oidc/callback')
  .split(/\s+/)
  .filter(Boolean);

// Test users: login name -> password and the claims the provider releases.
export const USERS = {
  'marie.tremblay': {
    password: 'Partenaire-2026!',
    claims: {
      sub: 'gckey-4f1c2a9e-marie',
      email: 'marie.tremblay@example.ca',
      email_verified: true,
      given_name: 'Marie',
      family_name: 'Tremblay',
      name: 'Marie Tremblay',
      locale: 'fr-CA',
    },
  },
  'john.smith': {
    password: 'Partner-2026!',
    claims: {
      sub: 'gckey-9b2d7c11-john',
      email: 'john.smith@example.ca',
      email_verified: true,
      given_name: 'John',
      family_name: 'Smith',
      name: 'John Smith',
      locale: 'en-CA',
    },
  },
};
const BY_SUB = Object.fromEntries(Object.values(USERS).map((u) => [u.claims.sub, u]));

function htmlEscape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, error) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test Sign-In Partner</title></head>
<body>
  <h1>Test Sign-In Partner</h1>
  ${error ? `<p role="alert" id="error">${htmlEscape(error)}</p>` : ''}
  <form method="post" action="/interaction/${htmlEscape(uid)}/login" id="login-form">
    <label>Username <input name="login" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
  <p><a href="/interaction/${htmlEscape(uid)}/abort" id="abort">Cancel</a></p>
</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function makeProvider(issuer) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

  const configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: REDIRECT_URIS,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    pkce: { required: () => true }, // every client, confidential ones included
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'locale'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const user = BY_SUB[sub];
      if (!user) return undefined;
      return { accountId: sub, async claims() { return { ...user.claims }; } };
    },
    // The portal is this provider's only (first-party) client: consent is implied.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  return new Provider(issuer, configuration);
}

async function handleInteraction(provider, req, res, uid, action) {
  if (action === '/abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
  if (action === '/login' && req.method === 'POST') {
    const form = await readForm(req);
    const user = USERS[form.get('login') || ''];
    if (!user || !crypto.timingSafeEqual(
      crypto.createHash('sha256').update(form.get('password') || '').digest(),
      crypto.createHash('sha256').update(user.password).digest(),
    )) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(uid, 'Invalid username or password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.claims.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(loginPage(uid));
}

let handler = (req, res) => { res.writeHead(503); res.end(); };
const server = http.createServer((req, res) => handler(req, res));
server.listen(0, HOST, () => {
  const { port } = server.address();
  const issuer = `http://${HOST}:${port}`;
  const provider = makeProvider(issuer);
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  const providerCallback = provider.callback();
  handler = (req, res) => {
    const { pathname } = new URL(req.url, issuer);
    const match = pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
    if (!match) {
      providerCallback(req, res);
      return;
    }
    handleInteraction(provider, req, res, match[1], match[2]).catch((err) => {
      console.error('interaction error', err);
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(err && err.message));
    });
  };
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

// A real OpenID Connect provider for the tests (panva/oidc-provider), standing in for the city's
// unified identity platform: one confidential client (the dashboard), the accounts of
// OIDC_ACCOUNTS (a JSON file: {subject: {claims}}), the standard login and consent pages
// (devInteractions: the login field is the subject; any password). Claims are put in the ID token
// (conformIdTokenClaims false), as most platforms do; scope "sssg" carries the role claims.
//   OIDC_PORT=9000 OIDC_ACCOUNTS=accounts.json OIDC_CLIENT=client.json node provider.mjs
import fs from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(fs.readFileSync(process.env.OIDC_ACCOUNTS, 'utf8'));
const client = JSON.parse(fs.readFileSync(process.env.OIDC_CLIENT, 'utf8'));

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    sssg: ['sssg_role', 'sssg_county', 'sssg_department'],
  },
  scopes: ['openid', 'email', 'profile', 'sssg'],
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['sssg-test-provider-cookie-key'] },
});
provider.proxy = false;
provider.listen(port, () => { console.log(`oidc-provider ready on ${port}`); });

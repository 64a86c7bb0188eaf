// Production sign-in: the province's OIDC provider, authorization-code flow with PKCE
// (oidc-client-ts makes the code verifier and checks `state`). The web service says which provider
// (GET /auth/config, from VC_WEB_OIDC_ISSUER / VC_WEB_OIDC_CLIENT_ID). The access token the provider
// returns is what the services verify (VC_JWKS_URL, VC_JWT_ISSUER, VC_JWT_AUDIENCE); it is kept in
// sessionStorage like a dev token. Loaded on demand, so the dev sign-in never downloads it.
import type { UserManager } from 'oidc-client-ts'

export interface OidcConfig {
  issuer: string
  client_id: string
  scope: string
}

export const CALLBACK_PATH = '/signin/callback'

async function manager(config: OidcConfig): Promise<UserManager> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts')
  return new UserManager({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/signin`,
    response_type: 'code', // with PKCE (S256), the library's default for the code flow
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  })
}

/** Leave for the provider's sign-in page. */
export async function startOidcSignIn(config: OidcConfig): Promise<void> {
  await (await manager(config)).signinRedirect()
}

/** On the callback page: exchange the code (PKCE) and return the access token. */
export async function finishOidcSignIn(config: OidcConfig): Promise<string> {
  const user = await (await manager(config)).signinRedirectCallback()
  return user.access_token
}

#!/usr/bin/env node
/*
 * A real client against a live fakesapcc: the OCC adapters of Spartacus 4.3.8 (the public npm
 * packages), bootstrapped headless under Node with Angular's JIT compiler, call the server and
 * every check asserts what Spartacus reads after its normalizers.
 *
 *     node harness.js --base-url http://127.0.0.1:9001 [--site electronics-spa]
 *
 * It prints one line per check ("ok - ..." or "FAIL - ...: reason") and then "N passed, M failed";
 * it exits 0 only when nothing failed. The packages come from package.json / package-lock.json
 * beside it; NODE_PATH points at their node_modules (run.py installs and caches it outside the
 * repository, and runs this script).
 */
'use strict';

const Module = require('module');
const util = require('util');

// The check lines go to stdout; whatever the libraries log (angular-oauth2-oidc's "Token
// successfully revoked", the router's warnings) goes to stderr.
const report = (line) => process.stdout.write(line + '\n');
for (const level of ['log', 'info', 'warn', 'debug']) {
  console[level] = (...parts) => process.stderr.write(util.format(...parts) + '\n');
}

// -- arguments -----------------------------------------------------------------------------------
const args = process.argv.slice(2);
function arg(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const BASE = arg('--base-url', process.env.FAKESAPCC_URL || 'http://127.0.0.1:9001').replace(/\/$/, '');
const SITE = arg('--site', 'electronics-spa');
const CALL_TIMEOUT = Number(arg('--timeout', '20')) * 1000;

// -- Node stands in for the browser ----------------------------------------------------------------
// @spartacus/asm/root, checkout/root and cart/saved-cart/root import UI pieces of
// @spartacus/storefront (page guards, layout components) that no adapter uses; a placeholder
// module stands in for that package so that its hundreds of UI dependencies are not needed.
const placeholders = {};
const storefrontStub = new Proxy({}, {
  get(_, name) {
    if (name === '__esModule') return true;
    if (typeof name !== 'string') return undefined;
    if (!placeholders[name]) {
      const placeholder = { [name]: class {} }[name];
      if (name.endsWith('Module')) require('@angular/core').NgModule({})(placeholder);
      placeholders[name] = placeholder;
    }
    return placeholders[name];
  },
});
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === '@spartacus/storefront') return storefrontStub;
  return originalLoad.call(this, request, parent, isMain);
};

require('zone.js/node');
require('@angular/compiler'); // JIT: links the packages' partial declarations, compiles ours
const domino = require('domino');
// the silent-order-post answer is HTML that OccCheckoutPaymentAdapter reads with DOMParser
global.DOMParser = class DOMParser {
  parseFromString(text) {
    return domino.createDocument(text);
  }
};

const ng = require('@angular/core');
const { HttpClient, HttpClientModule, HttpHeaders, HttpParams } = require('@angular/common/http');
const { RouterModule } = require('@angular/router');
const { ServerModule, platformDynamicServer, INITIAL_CONFIG } = require('@angular/platform-server');
const { StoreModule } = require('@ngrx/store');
const { EffectsModule } = require('@ngrx/effects');
const { take, timeout } = require('rxjs/operators');
const core = require('@spartacus/core');
const { CheckoutOccModule } = require('@spartacus/checkout/occ');
const checkoutCore = require('@spartacus/checkout/core');
const { UserAccountOccModule } = require('@spartacus/user/account/occ');
const { UserAccountFacade } = require('@spartacus/user/account/root');
const { UserAccountAdapter, UserAccountCoreModule } = require('@spartacus/user/account/core');
const { UserProfileOccModule } = require('@spartacus/user/profile/occ');
const { UserProfileAdapter } = require('@spartacus/user/profile/core');
const { AsmOccModule } = require('@spartacus/asm/occ');
const asmCore = require('@spartacus/asm/core');
const { AsmAdapter } = asmCore;
const asmRoot = require('@spartacus/asm/root');

// -- the Angular application ---------------------------------------------------------------------
const config = {
  backend: { occ: { baseUrl: BASE, prefix: '/occ/v2/' } },
  context: { baseSite: [SITE], language: ['en'], currency: ['USD'] },
  authentication: {
    client_id: 'mobile_android',
    client_secret: 'secret',
    OAuthLibConfig: { requireHttps: false },
  },
  features: { level: '4.3' },
};

class HarnessModule {
  ngDoBootstrap() {}
}
ng.NgModule({
  imports: [
    ServerModule,
    HttpClientModule,
    RouterModule.forRoot([]),
    StoreModule.forRoot({}),
    EffectsModule.forRoot([]),
    core.ConfigModule.forRoot(),
    core.StateModule.forRoot(),
    core.AuthModule.forRoot(),
    core.SiteContextModule.forRoot(),
    core.CmsModule.forRoot(), // the CMS endpoints' default configuration (cms/pages, ...)
    core.BaseOccModule.forRoot(),
    core.ProductOccModule,
    core.CartOccModule,
    core.UserOccModule,
    core.UserTransitional_4_2_Module,
    core.SiteContextOccModule,
    core.OrderOccModule,
    CheckoutOccModule,
    UserAccountOccModule,
    UserAccountCoreModule, // UserAccountFacade: CsAgentAuthService reads the user through it
    UserProfileOccModule,
    AsmOccModule,
    asmCore.AsmCoreModule,
  ],
  providers: [
    core.provideConfig(config),
    // what AsmRootModule provides, without its UI loader: the agent's token beside the customer's
    { provide: core.AuthStorageService, useExisting: asmRoot.AsmAuthStorageService },
    { provide: core.AuthService, useExisting: asmRoot.AsmAuthService },
    { provide: core.AuthHttpHeaderService, useExisting: asmRoot.AsmAuthHttpHeaderService },
    // what UserAccountRootModule provides, without its UI: the user read through UserAccountFacade
    { provide: core.UserAccountFacadeTransitionalToken, useExisting: UserAccountFacade },
  ],
})(HarnessModule);

// -- checks --------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;

function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function eq(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
function describeError(error) {
  if (error && error.status !== undefined) {
    const body = error.error && typeof error.error === 'object' ? JSON.stringify(error.error) : String(error.error || '');
    return `HTTP ${error.status} ${error.url || ''} ${body.slice(0, 300)}`;
  }
  return (error && (error.stack || error.message)) || String(error);
}
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    report(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    report(`FAIL - ${name}: ${describeError(error).split('\n').slice(0, 4).join(' | ')}`);
  }
}
// the first value an adapter's observable emits (rxjs 6, which Spartacus 4 uses, has no
// firstValueFrom), or its error
function call(observable) {
  return observable.pipe(timeout(CALL_TIMEOUT), take(1)).toPromise();
}

async function main() {
  const started = Date.now();
  const ref = await platformDynamicServer([
    { provide: INITIAL_CONFIG, useValue: { document: '<html><body></body></html>', url: BASE + '/' } },
  ]).bootstrapModule(HarnessModule);
  const injector = ref.injector;
  const get = (token) => injector.get(token);
  const ctx = { injector, get, BASE, SITE, core, checkoutCore, asmRoot, HttpClient, HttpHeaders,
    HttpParams, UserAccountAdapter, UserProfileAdapter, AsmAdapter, check, call, assert, eq };
  const scenarios = require('./checks');
  for (const scenario of scenarios) {
    await scenario(ctx);
  }
  report(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  ref.destroy();
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

if (require.main === module) {
  main().catch((error) => {
    report(`FAIL - bootstrap: ${describeError(error)}`);
    report(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  });
}

import { NgModule } from '@angular/core';
import { translationChunksConfig, translations } from '@spartacus/assets';
import {
  AuthConfig,
  FeaturesConfig,
  I18nConfig,
  provideConfig,
  RoutingConfig,
  SiteContextConfig,
} from '@spartacus/core';
import { defaultCmsContentProviders, layoutConfig, mediaConfig } from '@spartacus/storefront';

// The backend's base URL is not built in: Spartacus reads it from the
// <meta name="occ-backend-base-url"> tag of index.html, which scripts/storefront fills in
// when it serves the page (one build serves any fakesapcc URL).
@NgModule({
  declarations: [],
  imports: [],
  providers: [
    provideConfig(layoutConfig),
    provideConfig(mediaConfig),
    ...defaultCmsContentProviders,
    provideConfig(<SiteContextConfig>{
      context: {
        currency: ['USD'],
        language: ['en'],
        baseSite: ['electronics-spa'],
      },
    }),
    provideConfig(<I18nConfig>{
      i18n: {
        resources: translations,
        chunks: translationChunksConfig,
        fallbackLang: 'en',
      },
    }),
    provideConfig(<FeaturesConfig>{
      features: {
        level: '4.3',
      },
    }),
    // SAP's URL resolvers write category and product links as /Open-Catalogue/Cameras/c/571
    // and /Some-Name/p/300938 (what fakesapcc's CMS links carry): the storefront routes them
    // too. The first path of each route is the one Spartacus writes.
    provideConfig(<RoutingConfig>{
      routing: {
        routes: {
          category: {
            paths: [
              'category/:categoryCode',
              ':l1/c/:categoryCode',
              ':l1/:l2/c/:categoryCode',
              ':l1/:l2/:l3/c/:categoryCode',
              ':l1/:l2/:l3/:l4/c/:categoryCode',
            ],
            paramsMapping: { categoryCode: 'code' },
          },
          product: {
            paths: ['product/:productCode/:name', ':name/p/:productCode'],
            paramsMapping: { productCode: 'code' },
          },
        },
      },
    }),
    // angular-oauth2-oidc accepts plain http only for the host "localhost": fakesapcc is
    // served on http://127.0.0.1 in tests and dev stacks
    provideConfig(<AuthConfig>{
      authentication: {
        OAuthLibConfig: {
          requireHttps: false,
        },
      },
    }),
  ],
})
export class SpartacusConfigurationModule {}

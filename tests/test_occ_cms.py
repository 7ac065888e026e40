"""SAP's CMS OCC API (tags Pages and Components) over HTTP, on the default CMS content: page
resolution, slots, restrictions, components as cmsocc writes them, errors, and the content
loaded from a project's own ImpEx."""
from __future__ import annotations

import base64
import json

import pytest

SITE = "/occ/v2/electronics-spa"
CMS = f"{SITE}/cms"
CUSTOMER = "mark.rivers@pronto-hw.com"


def slots(page: dict) -> dict[str, list[str]]:
    return {s["position"]: [c["uid"] for c in s["components"]["component"]]
            for s in page["contentSlots"]["contentSlot"]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error(response) -> tuple[int, str]:
    return response.status_code, response.json["errors"][0]["type"]


# -- pages -------------------------------------------------------------------------------------


def test_no_parameters_is_the_homepage_with_template_and_page_slots(sapcc_client):
    page = sapcc_client.get(f"{CMS}/pages").json
    assert (page["uid"], page["typeCode"], page["template"], page["label"]) == \
        ("homepage", "ContentPage", "LandingPage2Template", "homepage")
    assert page["title"] == "Homepage" and page["robotTag"] == "INDEX_FOLLOW"
    assert page["catalogVersionUuid"] == "electronics-spaContentCatalog/Online"
    assert json.loads(base64.b64decode(page["uuid"])) == {
        "itemId": "homepage", "catalogId": "electronics-spaContentCatalog",
        "catalogVersion": "Online"}
    positions = slots(page)
    assert positions["SiteLogo"] == ["SiteLogoComponent"]
    assert positions["NavigationBar"] == ["ElectronicsCategoryNavComponent"]
    assert positions["Section1"] == ["HeroBannerComponent"]
    assert positions["Section5"][-1] == "HomepageRotatingImages"
    assert positions["Section3"] == ["HomepageProductCarousel"]
    by_position = {s["position"]: s for s in page["contentSlots"]["contentSlot"]}
    assert (by_position["SiteLogo"]["slotShared"], by_position["SiteLogo"]["slotStatus"]) == \
        (True, "TEMPLATE")
    assert (by_position["Section3"]["slotShared"], by_position["Section3"]["slotStatus"]) == \
        (False, "PAGE")
    assert "otherProperties" not in page


def test_a_content_page_by_label_by_its_leading_sections_and_by_id(sapcc_client):
    def uid(query):
        return sapcc_client.get(f"{CMS}/pages?pageType=ContentPage&{query}").json["uid"]

    assert uid("pageLabelOrId=/cart") == "cartPage"
    assert uid("pageLabelOrId=/checkout/delivery-mode") == "checkout-delivery-mode"
    assert uid("pageLabelOrId=/my-account/order/00001234") == "order"  # the label cut back
    assert uid("pageLabelOrId=cartPage") == "cartPage"  # no label matches: the uid
    assert uid("pageId=cartPage&pageLabelOrId=/login") == "cartPage"  # pageId wins
    missing = sapcc_client.get(f"{CMS}/pages?pageType=ContentPage&pageLabel=cartPage")
    assert error(missing) == (404, "CMSItemNotFoundError")  # pageLabel is a label only


def test_spartacus_pages_resolve_with_their_components(sapcc_client):
    expected = {
        "/login": ("LoginPageTemplate", "LeftContentSlot", "ReturningCustomerLoginComponent"),
        "/login/register": ("AccountPageTemplate", "BodyContent", "RegisterCustomerComponent"),
        "/checkout/payment-details": ("MultiStepCheckoutSummaryPageTemplate", "BodyContent",
                                      "CheckoutPaymentDetailsComponent"),
        "/order-confirmation": ("OrderConfirmationPageTemplate", "BodyContent",
                                "OrderConfirmationThankMessageComponent"),
        "/my-account/orders": ("AccountPageTemplate", "BodyContent",
                               "AccountOrderHistoryComponent"),
        "/store-finder": ("StoreFinderPageTemplate", "MiddleContent", "StoreFinderComponent"),
        "search": ("SearchResultsListPageTemplate", "SearchResultsListSlot", "SearchResultsList"),
        "/not-found": ("ErrorPageTemplate", "MiddleContent", "NotFoundParagraph"),
    }
    for label, (template, position, component) in expected.items():
        page = sapcc_client.get(f"{CMS}/pages", query_string={
            "pageType": "ContentPage", "pageLabelOrId": label}).json
        assert page["template"] == template, label
        assert component in slots(page)[position], label
        assert "MiniCart" in slots(page)["MiniCart"], label  # the shared header


def test_product_and_category_pages_fall_back_to_the_default_page_of_their_type(sapcc_client):
    product = sapcc_client.get(f"{CMS}/pages?pageType=ProductPage&code=300938").json
    assert (product["uid"], product["template"]) == ("productDetails", "ProductDetailsPageTemplate")
    assert slots(product)["Summary"] == ["ProductImagesComponent", "ProductIntroComponent",
                                         "ProductSummaryComponent", "AddToCart"]
    assert slots(product)["Tabs"] == ["TabPanelContainer"]

    def category_page(code):
        return sapcc_client.get(f"{CMS}/pages?pageType=CategoryPage&code={code}").json["uid"]

    assert category_page("575") == "productList"  # the default CategoryPage
    assert category_page("827") == "productGrid"  # a CMSCategoryRestriction picks this one
    assert category_page("brand_2") == "productList"
    catalog = sapcc_client.get(f"{CMS}/pages?pageType=CatalogPage").json
    assert catalog["typeCode"] == "CatalogPage"


def test_page_errors_have_sap_bodies(sapcc_client):
    def get(query):
        return sapcc_client.get(f"{CMS}/pages?{query}")

    assert error(get("pageType=ContentPage&pageLabelOrId=/nowhere")) == (404, "CMSItemNotFoundError")
    assert error(get("pageType=ProductPage&code=nope")) == (400, "ValidationError")
    assert get("pageType=ProductPage&code=nope").json["errors"][0]["subject"] == "code"
    assert error(get("pageType=CategoryPage&code=nope")) == (400, "ValidationError")
    assert error(get("pageType=Homepage")) == (400, "ValidationError")
    assert error(get("pageLabel=/cart&pageId=cartPage")) == (400, "InvalidPageQualifierError")
    assert error(sapcc_client.get(f"{CMS}/pages/nope")) == (404, "CMSItemNotFoundError")
    assert error(sapcc_client.get(f"{SITE.replace('electronics-spa', 'nosite')}/cms/pages"))[0] \
        == 400


def test_page_by_id(sapcc_client):
    page = sapcc_client.get(f"{CMS}/pages/orderConfirmationPage").json
    assert page["template"] == "OrderConfirmationPageTemplate"
    assert "OrderConfirmationTotalsComponent" in slots(page)["SideContent"]


def test_fields_levels_of_a_page(sapcc_client):
    basic = sapcc_client.get(f"{CMS}/pages?fields=BASIC").json
    assert basic["uid"] == "homepage" and basic["label"] == "homepage"
    assert "contentSlots" not in basic
    narrow = sapcc_client.get(f"{CMS}/pages?fields=uid,contentSlots(contentSlot(position))").json
    assert set(narrow) == {"uid", "contentSlots"}
    assert {"position": "Section1"} in narrow["contentSlots"]["contentSlot"]
    assert error(sapcc_client.get(f"{CMS}/pages?fields=colour")) == (400, "ConversionError")


def test_site_pages_list_pages_without_slots_by_type_page_and_sort(sapcc_client):
    listed = sapcc_client.get(f"{CMS}/sitepages?currentPage=0&pageSize=5&pageType=ContentPage"
                              "&sort=uid:desc").json
    uids = [p["uid"] for p in listed["page"]]
    assert len(uids) == 5 and uids == sorted(uids, reverse=True)
    assert all("contentSlots" not in p for p in listed["page"])
    assert listed["pagination"]["totalCount"] > 25 and listed["pagination"]["hasNext"] is True
    assert listed["sorts"] == [{"code": "uid", "asc": False}]
    products = sapcc_client.get(f"{CMS}/sitepages?currentPage=0&pageType=ProductPage").json
    assert [p["uid"] for p in products["page"]] == ["productDetails"]
    assert error(sapcc_client.get(f"{CMS}/sitepages")) == \
        (400, "UnsatisfiedServletRequestParameterError")
    assert error(sapcc_client.get(f"{CMS}/sitepages?currentPage=0&pageSize=0"))[0] == 400
    assert error(sapcc_client.get(f"{CMS}/sitepages?currentPage=0&sort=colour")) == \
        (400, "ValidationError")


# -- components --------------------------------------------------------------------------------


def components(client, query, headers=None):
    response = client.get(f"{CMS}/components?{query}", headers=headers or {})
    assert response.status_code == 200, response.json
    return {c["uid"]: c for c in response.json["component"]}, response.json


def test_components_are_flattened_as_cmsocc_writes_them(sapcc_client):
    found, body = components(sapcc_client, "componentIds=LanguageComponent,SearchBox,MiniCart,"
                             "HomepageRotatingImages,HomepageProductCarousel,TabPanelContainer,"
                             "SiteLogoComponent,HeroBannerComponent,CamerasCategoryLink,"
                             "SonyCategoryLink,nope&pageSize=20")
    assert "nope" not in found and len(found) == 10
    language = found["LanguageComponent"]
    assert (language["typeCode"], language["context"], language["container"]) == \
        ("CMSSiteContextComponent", "LANGUAGE", "false")
    assert language["modifiedTime"] and "modifiedtime" not in language
    assert json.loads(base64.b64decode(language["uuid"]))["itemId"] == "LanguageComponent"
    search = found["SearchBox"]
    assert (search["displayProducts"], search["maxSuggestions"]) == ("true", "5")
    assert found["MiniCart"]["title"] == "Your shopping cart"
    assert found["HomepageRotatingImages"]["banners"] == \
        "HeroBannerComponent SaveBigBannerComponent BrandsBannerComponent"
    assert found["HomepageProductCarousel"]["productCodes"].split()[:2] == ["300938", "358639"]
    assert found["TabPanelContainer"]["components"] == \
        "ProductDetailsTabComponent ProductSpecsTabComponent ProductReviewsTabComponent"
    assert found["TabPanelContainer"]["container"] == "true"
    logo = found["SiteLogoComponent"]["media"]
    assert logo["mime"] == "image/svg+xml" and logo["url"] == "/medias/electronics-logo.svg"
    hero = found["HeroBannerComponent"]["media"]
    assert set(hero) == {"widescreen", "desktop", "tablet", "mobile"}
    assert hero["mobile"]["url"].endswith("-mobile.jpg")
    assert found["CamerasCategoryLink"]["url"] == "/Open-Catalogue/Cameras/c/571"
    assert found["SonyCategoryLink"]["url"] == "/Brands/Sony/c/brand_2"
    assert found["CamerasCategoryLink"]["target"] == "false"
    assert body["pagination"]["totalCount"] == 10


def test_a_navigation_component_carries_its_tree(sapcc_client):
    nav = sapcc_client.get(f"{CMS}/components/ElectronicsCategoryNavComponent").json
    tree = nav["navigationNode"]
    cameras = tree["children"][0]
    assert (cameras["title"], cameras["entries"]) == ("Cameras", [{
        "itemId": "CamerasCategoryLink", "itemSuperType": "AbstractCMSComponent",
        "itemType": "CMSLinkComponent"}])
    assert [c["title"] for c in cameras["children"]] == \
        ["Digital Cameras", "Film Cameras", "Camcorders", "Webcams"]
    assert nav["wrapAfter"] == "10"


def test_component_lists_page_sort_and_take_repeated_ids(sapcc_client):
    ids = "componentIds=SearchBox&componentIds=MiniCart&componentIds=LanguageComponent"
    found, body = components(sapcc_client, f"{ids}&sort=uid:asc&pageSize=2")
    assert list(found) == ["LanguageComponent", "MiniCart"]
    assert body["pagination"] == {"count": 2, "totalCount": 3, "page": 0, "totalPages": 2,
                                  "hasNext": True, "hasPrevious": False}
    basic, _ = components(sapcc_client, f"{ids}&fields=BASIC")
    assert set(basic["SearchBox"]) == {"uid", "uuid", "typeCode", "name"}
    everything, body = components(sapcc_client, "pageSize=1000")  # none named: all of them
    assert len(everything) > 100 and "WelcomeBackParagraph" not in everything
    # SAP pages the search, then leaves out what the session may not see
    assert body["pagination"]["totalCount"] == len(everything) + 1


def test_search_components_by_ids_in_the_body(sapcc_client):
    response = sapcc_client.post(f"{CMS}/components?fields=DEFAULT",
                                 json={"idList": ["MiniCart", "SearchBox"]})
    assert response.status_code == 200
    assert sorted(c["uid"] for c in response.json["component"]) == ["MiniCart", "SearchBox"]
    assert error(sapcc_client.post(f"{CMS}/components", json={"idList": []})) == \
        (400, "IllegalArgumentError")
    assert error(sapcc_client.post(f"{CMS}/components", json={})) == \
        (400, "IllegalArgumentError")
    assert error(sapcc_client.post(f"{CMS}/components", data="[",
                                   content_type="application/json")) == \
        (400, "HttpMessageNotReadableError")


def test_component_errors(sapcc_client):
    assert error(sapcc_client.get(f"{CMS}/components/nope")) == (404, "CMSItemNotFoundError")
    bad_product = sapcc_client.get(f"{CMS}/components/SearchBox?productCode=nope")
    assert error(bad_product) == (400, "ValidationError")
    assert bad_product.json["errors"][0]["subject"] == "productCode"
    assert error(sapcc_client.get(f"{CMS}/components?categoryCode=nope")) == (400, "ValidationError")
    assert error(sapcc_client.get(f"{CMS}/components?catalogCode=nope")) == (400, "ValidationError")
    assert error(sapcc_client.get(f"{CMS}/components?currentPage=-1"))[0] == 400


# -- restrictions ------------------------------------------------------------------------------


def test_user_group_restrictions_see_the_user_of_the_path(sapcc_client, customer_token):
    token = bearer(customer_token(CUSTOMER))
    anonymous = slots(sapcc_client.get(f"{CMS}/pages").json)["Section5"]
    assert anonymous == ["NewVisitorParagraph", "HomepageRotatingImages"]
    # /cms/... acts for the anonymous user even with a customer's token
    assert slots(sapcc_client.get(f"{CMS}/pages", headers=token).json)["Section5"] == anonymous
    mine = sapcc_client.get(f"{SITE}/users/current/cms/pages", headers=token).json
    assert slots(mine)["Section5"] == ["WelcomeBackParagraph", "HomepageRotatingImages"]
    assert sapcc_client.get(f"{SITE}/users/anonymous/cms/pages").status_code == 200
    assert error(sapcc_client.get(f"{CMS}/components/WelcomeBackParagraph")) == \
        (404, "CMSItemNotFoundError")
    assert sapcc_client.get(f"{SITE}/users/current/cms/components/WelcomeBackParagraph",
                            headers=token).json["content"].startswith("<p>Welcome back")
    listed = sapcc_client.get(f"{SITE}/users/current/cms/components?componentIds="
                              "WelcomeBackParagraph,NewVisitorParagraph", headers=token).json
    assert [c["uid"] for c in listed["component"]] == ["WelcomeBackParagraph"]


def test_the_users_variants_follow_the_acting_rules(sapcc_client, customer_token, agent_token):
    other = sapcc_client.get(f"{SITE}/users/linda.wolf@rustic-hw.com/cms/pages",
                             headers=bearer(customer_token(CUSTOMER)))
    assert other.status_code in (401, 403)
    assert sapcc_client.get(f"{SITE}/users/current/cms/pages").status_code == 401
    emulating = sapcc_client.get(f"{SITE}/users/{CUSTOMER}/cms/pages",
                                 headers=bearer(agent_token()))
    assert slots(emulating.json)["Section5"][0] == "WelcomeBackParagraph"


def test_a_time_restriction_follows_the_clock(sapcc, sapcc_client):
    def shown():
        found, _ = components(sapcc_client, "componentIds=SaveBigBannerComponent")
        return "SaveBigBannerComponent" in found

    assert shown()
    sapcc.advance_clock(80 * 365 * 86400)  # past the sale's end (2099)
    assert not shown()
    assert error(sapcc_client.get(f"{CMS}/components/SaveBigBannerComponent")) == \
        (404, "CMSItemNotFoundError")


# -- a project's own CMS ImpEx ---------------------------------------------------------------------

OWN_CONTENT = """
$contentCV=catalogVersion(CatalogVersion.catalog(Catalog.id[default=electronics-spaContentCatalog]),CatalogVersion.version[default=Online])[default=electronics-spaContentCatalog:Online]
INSERT_UPDATE CMSParagraphComponent;$contentCV[unique=true];uid[unique=true];name;content[lang=en]
;;HomepageWelcomeParagraph;Welcome;"<h2>Our own welcome</h2>"
;;PromoParagraph;Promo;"<p>Promo</p>"
INSERT_UPDATE ContentSlot;$contentCV[unique=true];uid[unique=true];cmsComponents(uid,$contentCV)[mode=append]
;;Section2BSlot-homepage;PromoParagraph
INSERT_UPDATE ContentPage;$contentCV[unique=true];uid[unique=true];name;masterTemplate(uid,$contentCV);label;title[lang=en];shinyNewAttribute
;;faq;FAQ;ContentPage1Template;/faq;FAQ;x
INSERT_UPDATE CMSParagraphComponent;$contentCV[unique=true];uid[unique=true];content[lang=en]
;;FaqParagraph;"<p>Questions</p>"
INSERT_UPDATE ContentSlot;$contentCV[unique=true];uid[unique=true];cmsComponents(uid,$contentCV)
;;FaqSlot;FaqParagraph
INSERT_UPDATE ContentSlotForPage;$contentCV[unique=true];uid[unique=true];position;page(uid,$contentCV);contentSlot(uid,$contentCV)
;;Section2A-faq;Section2A;faq;FaqSlot
"""


def test_a_project_loads_its_own_cms_content(sapcc, sapcc_client):
    report = sapcc.load_impex(OWN_CONTENT)
    assert report.errors == []
    assert any("shinyNewAttribute" in str(w) for w in report.diagnostics)  # SAP would skip it
    home = sapcc_client.get(f"{CMS}/pages").json
    assert slots(home)["Section2B"] == ["HomepageWelcomeParagraph", "PromoParagraph"]
    found, _ = components(sapcc_client, "componentIds=HomepageWelcomeParagraph")
    assert found["HomepageWelcomeParagraph"]["content"] == "<h2>Our own welcome</h2>"
    faq = sapcc_client.get(f"{CMS}/pages?pageType=ContentPage&pageLabelOrId=/faq").json
    assert (faq["uid"], slots(faq)["Section2A"], slots(faq)["SiteLogo"]) == \
        ("faq", ["FaqParagraph"], ["SiteLogoComponent"])


def test_a_component_of_another_type_with_the_same_uid_is_refused(sapcc):
    report = sapcc.load_impex(OWN_CONTENT.split("INSERT_UPDATE ContentSlot;")[0].replace(
        "CMSParagraphComponent", "CMSLinkComponent").replace("content[lang=en]", "url"))
    assert any("exists as" in str(d) for d in report.diagnostics)


def test_the_cms_content_survives_a_snapshot(sapcc, sapcc_client):
    before = sapcc_client.get(f"{CMS}/pages").json
    document = sapcc.snapshot()
    assert document["state"]["cms_pages"] and document["state"]["cms_components"]
    sapcc.load_impex(OWN_CONTENT)
    sapcc.restore(json.loads(json.dumps(document)))
    after = sapcc_client.get(f"{CMS}/pages").json
    assert slots(after) == slots(before)
    found, _ = components(sapcc_client, "componentIds=ElectronicsCategoryNavComponent")
    assert found["ElectronicsCategoryNavComponent"]["navigationNode"]["children"]


def test_powertools_has_its_own_content(sapcc_client):
    page = sapcc_client.get("/occ/v2/powertools-spa/cms/pages").json
    assert page["catalogVersionUuid"] == "powertools-spaContentCatalog/Online"
    assert "PowertoolsCategoryNavComponent" in slots(page)["NavigationBar"]
    product = sapcc_client.get("/occ/v2/powertools-spa/cms/pages?pageType=ProductPage"
                               "&code=3881018").json
    assert product["uid"] == "productDetails"


@pytest.mark.parametrize("url", ["/medias/300938-300Wx300H.jpg", "/medias/electronics-logo.svg"])
def test_media_urls_serve_a_placeholder(sapcc_client, url):
    response = sapcc_client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


def test_an_unknown_media_url_is_404(sapcc_client):
    assert sapcc_client.get("/medias/nope.jpg").status_code == 404

// The partner map: markers fetched as compact JSON from data-markers-url (the selection of the
// directory's filters), on the tiles of data-tile-url when one is configured, on a blank
// background otherwise. The list beside the map carries the same partners, page by page, so
// the page works without this script.
(function () {
  "use strict";

  var element = document.getElementById("partner-map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var labels = element.dataset;

  function popupFor(partner, categoryNames) {
    // Built from text nodes: names come from the directory and are never read as HTML.
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = partner.name;
    box.appendChild(name);
    if (categoryNames.length) {
      var categories = document.createElement("div");
      categories.textContent = categoryNames.join(", ");
      box.appendChild(categories);
    }
    if (partner.closedUntil) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-warning";
      badge.textContent = labels.closedLabel + " " + partner.closedUntil;
      box.appendChild(badge);
    }
    var link = document.createElement("a");
    link.href = labels.detailUrl.replace("/0/", "/" + partner.id + "/");
    link.className = "d-block mt-1";
    link.textContent = labels.linkLabel;
    link.setAttribute("aria-label", labels.linkLabel + " : " + partner.name);
    box.appendChild(link);
    return box;
  }

  function draw(data) {
    if (!data.partners.length) {
      return;
    }
    element.hidden = false;
    // Set through the DOM: the Content-Security-Policy forbids style attributes in the page.
    element.style.height = "28rem";
    var map = L.map(element, { zoomControl: false });
    L.control
      .zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut })
      .addTo(map);
    if (labels.tileUrl) {
      L.tileLayer(labels.tileUrl, {
        maxZoom: 19,
        attribution: labels.tileAttribution,
      }).addTo(map);
    }
    var bounds = [];
    // Each row: [id, latitude, longitude, name, [category ids], closed until].
    data.partners.forEach(function (row) {
      var partner = { id: row[0], name: row[3], closedUntil: row[5] };
      var categoryNames = row[4].map(function (id) {
        return data.categories[id];
      });
      var position = [row[1], row[2]];
      bounds.push(position);
      L.marker(position, { title: partner.name, alt: partner.name })
        .bindPopup(function () {
          return popupFor(partner, categoryNames);
        })
        .addTo(map);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }
    if (!labels.tileUrl) {
      placeCommunes(map);
    }
  }

  // Without tiles, the communes' names at their town halls: something to place the markers
  // against. Tooltips, not markers: they take no focus and no click, and screen readers skip
  // them (the list beside the map names each partner's commune).
  function placeCommunes(map) {
    var communes = document.getElementById("commune-labels");
    if (!communes) {
      return;
    }
    // Beneath the markers and their shadows, so that no name hides a marker.
    map.createPane("communes").style.zIndex = 450;
    JSON.parse(communes.textContent).forEach(function (commune) {
      var name = document.createElement("span");
      name.textContent = commune.name;
      var tooltip = L.tooltip({
        permanent: true,
        direction: "center",
        className: "commune-label",
        interactive: false,
        pane: "communes",
      })
        .setLatLng([commune.lat, commune.lon])
        .setContent(name)
        .addTo(map);
      tooltip.getElement().setAttribute("aria-hidden", "true");
    });
  }

  fetch(labels.markersUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : { partners: [] };
    })
    .then(draw);
})();

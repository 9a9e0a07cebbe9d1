/* "Nearest to me": browser location, a tap on the map, or a chosen district; the list works
   without the map (tiles blocked or offline). Coordinates are GCJ-02, like Chinese map apps. */
(function () {
  "use strict";
  var form = document.getElementById("nearby-form");
  if (!form) return;
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var statusEl = document.getElementById("locate-status");
  var region = document.getElementById("id_region");
  var map = null, markers = null, here = null, tileErrors = 0;

  var wgsToGcj = window.GonghuiGeo.wgsToGcj;

  function search(lat, lon, fromRegion) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    if (!fromRegion && region) region.value = "";
    if (map) { map.setView([lat, lon], Math.max(map.getZoom(), 14)); showHere(lat, lon); }
    if (window.htmx) window.htmx.trigger(form, "locate"); else form.submit();
  }

  function showHere(lat, lon) {
    if (!map) return;
    if (here) here.setLatLng([lat, lon]);
    else here = window.L.circleMarker([lat, lon], { radius: 8, color: "#1677ff", fillOpacity: 0.8 }).addTo(map);
  }

  document.getElementById("locate-btn").addEventListener("click", function () {
    if (!navigator.geolocation) { statusEl.textContent = statusEl.dataset.noGeo; return; }
    statusEl.textContent = statusEl.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      statusEl.textContent = "";
      var p = wgsToGcj(pos.coords.latitude, pos.coords.longitude);
      search(p[0], p[1], false);
    }, function () {
      statusEl.textContent = statusEl.dataset.denied;
    }, { enableHighAccuracy: false, timeout: 8000, maximumAge: 120000 });
  });

  if (region) {
    region.addEventListener("change", function (ev) {
      var opt = region.options[region.selectedIndex];
      if (opt && opt.dataset.lat) {
        ev.stopPropagation();
        latInput.value = ""; lonInput.value = "";
        search(parseFloat(opt.dataset.lat), parseFloat(opt.dataset.lon), true);
      }
    });
  }

  function drawMarkers() {
    if (!map) return;
    markers.clearLayers();
    var items = document.querySelectorAll("#results .station-item");
    var bounds = [];
    items.forEach(function (el) {
      var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
      bounds.push(ll);
      var link = el.querySelector(".station-name");
      window.L.marker(ll, { title: el.dataset.name }).addTo(markers)
        .bindPopup('<a href="' + link.getAttribute("href") + '"></a>')
        .on("popupopen", function (e) { e.popup.getElement().querySelector("a").textContent = el.dataset.name; });
    });
    if (bounds.length) map.fitBounds(bounds.concat(latInput.value ? [[+latInput.value, +lonInput.value]] : []), { maxZoom: 16, padding: [20, 20] });
  }

  function initMap() {
    var wrap = document.getElementById("map-wrap");
    var tileUrl = JSON.parse(document.getElementById("tile-url").textContent || '""');
    if (!window.L || !tileUrl) { document.getElementById("map-fallback").hidden = false; return; }
    wrap.hidden = false;
    map = window.L.map("map", { zoomControl: true }).setView([latInput.value || 30.657, lonInput.value || 104.08], 12);
    var layer = window.L.tileLayer(tileUrl, { subdomains: "1234", maxZoom: 18, attribution: "" });
    layer.on("tileerror", function () {
      tileErrors += 1;
      if (tileErrors >= 4 && !wrap.hidden) { wrap.hidden = true; document.getElementById("map-fallback").hidden = false; }
    });
    layer.addTo(map);
    markers = window.L.layerGroup().addTo(map);
    map.on("click", function (e) { search(e.latlng.lat, e.latlng.lng, false); });
    drawMarkers();
  }

  document.body.addEventListener("htmx:afterSwap", function (e) { if (e.target.id === "results") drawMarkers(); });
  if (document.readyState === "complete") initMap(); else window.addEventListener("load", initMap);
})();

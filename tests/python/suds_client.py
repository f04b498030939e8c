"""A second stock SOAP client, suds, builds itself from the air-quality WSDL alone and calls
the read operations; a WSDL only one client understands is not a valid WSDL.

usage: suds_client.py BASE_URL
"""

import sys

from suds.client import Client

base = sys.argv[1]
client = Client(base + "/air-quality?wsdl", cache=None)

operations = sorted(m.name for m in client.wsdl.services[0].ports[0].methods.values())
expected = ["CreateMeasure", "GetAirQuality", "GetAirQualityMeasures", "GetMeasuresByZone", "GetZones", "UpdateMeasureStatus"]
assert operations == expected, operations

zones = client.service.GetZones()
zone_list = zones if isinstance(zones, list) else getattr(zones, "zone", zones)
assert len(zone_list) == 20, len(zone_list)

latest = client.service.GetMeasuresByZone("paris-08")
measures = latest if isinstance(latest, list) else getattr(latest, "measure", latest)
assert len(measures) >= 1, latest
first = measures[0]
assert first.zone_id == "paris-08", first
assert int(first.aqi) > 100, first

print(f"suds: {len(operations)} operations, {len(zone_list)} zones, paris-08 AQI {first.aqi}")
print("OK")

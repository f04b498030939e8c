-- wrk script: POST a SOAP 1.1 GetAirQualityMeasures envelope (as zeep sends it).
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"urn:cityflow:air-quality/GetAirQualityMeasures"'
wrk.body = [[<?xml version='1.0' encoding='utf-8'?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><ns0:GetAirQualityMeasures xmlns:ns0="urn:cityflow:air-quality"/></soap-env:Body></soap-env:Envelope>]]

#!/bin/sh
# The image's class data archive (APP/ccs-connector.jsa): everything one start loads, recorded by a run of the connector
# bounded by camel.main.duration-max-seconds on the embedded simulator. Usage: class-data-training.sh APP (the Dockerfile: /app).
# The run reads the training settings beside it (APP/class-data-training.properties), never the tenant's
# application.properties: that names a real tenant and CRM once set up, so the run would fail without the secrets a build
# does not have, or, with them, poll the tenant and deliver to the CRM from the build. A run that does not end well
# (a customer route naming a setting the training lacks) records fewer classes or none: the connector only starts slower.
set -u
app=$1
training=$(mktemp -d)
cp "$app/class-data-training.properties" "$training/application.properties"
cp -R "$app/config/routes" "$app/config/contacts" "$training/"
if (cd "$training" && java "@$app/jvm-lean.options" "-XX:ArchiveClassesAtExit=$app/ccs-connector.jsa" \
      -Dcamel.main.duration-max-seconds=10 "-Dconnector.data-dir=$training/data" -jar "$app/ccs-connector.jar" > "$training/run.log" 2>&1); then
  echo "class data archive recorded: $app/ccs-connector.jsa"
else
  echo "the class data training run did not end well (the connector will start without its archive, only slower); its last lines:"
  tail -n 5 "$training/run.log"
fi
rm -rf "$training"

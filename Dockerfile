# Container image of the connector. Build the jar first (mvn -B package), then:
#   docker build -t ccs-connector .
# The image holds the jar, its lib/ and the shipped settings, routes and demo contacts; in Kubernetes the
# settings and routes come from ConfigMaps mounted over /app/config (kustomization.yaml).
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 10001 --home-dir /app connector
WORKDIR /app/config
COPY target/lib/ /app/lib/
COPY target/ccs-connector.jar /app/ccs-connector.jar
COPY deploy/jvm-lean.options /app/jvm-lean.options
COPY application.properties /app/config/application.properties
COPY routes/ /app/config/routes/
COPY contacts/ /app/config/contacts/
COPY deploy/class-data-training.sh /app/class-data-training.sh
COPY deploy/class-data-training.properties /app/class-data-training.properties
RUN mkdir -p /app/data && chown -R connector /app/data
# a class data archive of everything one start loads, made by a bounded run on the embedded simulator with the
# training settings, never the tenant's: the JVM then maps those classes instead of loading them, about a quarter less start-up
RUN sh /app/class-data-training.sh /app

USER 10001
ENV CONNECTOR_DATA_DIR=/app/data
EXPOSE 8080
# the lean JVM profile: serial GC, a small heap, C2 with smaller compilations, fit for a container of 448 MiB
ENTRYPOINT ["java", "@/app/jvm-lean.options", "-XX:SharedArchiveFile=/app/ccs-connector.jsa", "-jar", "/app/ccs-connector.jar"]

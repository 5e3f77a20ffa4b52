# grassroots-postgres:local: Debian's PostgreSQL 15 on Debian 12, run as docker-compose.yml runs postgres:15
# (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, data in /var/lib/postgresql/data, pg_isready). Built by
# deploy/build-local-images.sh, which gives the build Debian's mirror (host network).
FROM grassroots-debian:local
# The package's own cluster is not used (the entrypoint makes one in the volume); nor are package lists and docs.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && pg_dropcluster 15 main \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /var/log/*.log
COPY postgres-entrypoint.sh /usr/local/bin/
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint.sh"]

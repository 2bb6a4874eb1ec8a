"""视界网 / 重庆网络广播电视台 (cbg.cn)."""

from crawler.spiders.portal import ProfileSpider


class CbgSpider(ProfileSpider):
    name = "cbg"
    profile_name = "cbg"
